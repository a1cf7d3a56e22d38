import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { App as AntApp, ConfigProvider } from 'antd';
// The ESM build: antd/locale/* is CommonJS, whose default export the bundler may not unwrap.
import zhCN from 'antd/es/locale/zh_CN';
import { createHashRouter, Navigate, RouterProvider } from 'react-router-dom';
import { AuthProvider } from './auth';
import { AdminLayout, SectionRoute, StartPage } from './Layout';
import { RouteError } from './common/RouteError';
import { reportUncaught } from '../shared/report';
import '../shared/error-boundary.css';
import './admin.css';

reportUncaught('admin');

// the sign-in form (and its form controls) loads only when someone has to sign in
const LoginPage = lazy(() => import('./pages/Login').then((m) => ({ default: m.LoginPage })));

// Hash routing: the cloud server only has to serve /admin/index.html, and deep links
// (/admin/#/members) survive reloads without server-side rewrites.
const router = createHashRouter([
  {
    path: '/login',
    element: (
      <Suspense fallback={null}>
        <LoginPage />
      </Suspense>
    ),
    errorElement: <RouteError />,
  },
  {
    path: '/',
    element: <AdminLayout />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <StartPage /> },
      // `/*`: a section may have pages of its own below it (e.g. /classes/sessions/12).
      { path: ':section/*', element: <SectionRoute /> },
    ],
  },
  { path: '*', element: <Navigate to="/" replace /> },
]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} theme={{ token: { colorPrimary: '#d9480f', borderRadius: 6 } }}>
      <AntApp>
        <AuthProvider>
          <RouterProvider router={router} />
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
