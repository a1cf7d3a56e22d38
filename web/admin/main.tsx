import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
// per-component imports, as in Layout.tsx: the entry chunk must not reach the `antd` barrel
import AntApp from 'antd/es/app';
import ConfigProvider from 'antd/es/config-provider';
// The ESM build: antd/locale/* is CommonJS, whose default export the bundler may not unwrap.
import zhCN from 'antd/es/locale/zh_CN';
import { HashRouter, Navigate, Route, Routes } from 'react-router-dom';
import { ErrorBoundary } from '../shared/ErrorBoundary';
import { AuthProvider } from './auth';
import { AdminLayout, SectionRoute, StartPage } from './Layout';
import { reportUncaught } from '../shared/report';
import '../shared/error-boundary.css';
import './admin.css';

reportUncaught('admin');

// the sign-in form (and its form controls) loads only when someone has to sign in
const LoginPage = lazy(() => import('./pages/Login').then((m) => ({ default: m.LoginPage })));

// Hash routing: the cloud server only has to serve /admin/index.html, and deep links
// (/admin/#/members) survive reloads without server-side rewrites. <HashRouter>, not
// createHashRouter: no screen uses loaders or actions, and the data router's code (~14 KB gzipped)
// would sit on every first screen. Render errors outside a screen's own boundary land here.
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} theme={{ token: { colorPrimary: '#d9480f', borderRadius: 6 } }}>
      <AntApp>
        <AuthProvider>
          <HashRouter>
            <ErrorBoundary surface="admin" area="router">
              <Routes>
                <Route
                  path="/login"
                  element={
                    <Suspense fallback={null}>
                      <LoginPage />
                    </Suspense>
                  }
                />
                <Route path="/" element={<AdminLayout />}>
                  <Route index element={<StartPage />} />
                  <Route path=":section/*" element={<SectionRoute />} />
                </Route>
                <Route path="*" element={<Navigate to="/" replace />} />
              </Routes>
            </ErrorBoundary>
          </HashRouter>
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
