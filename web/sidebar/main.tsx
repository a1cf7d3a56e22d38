/**
 * WeCom sidebar. Plain React + a small stylesheet, no antd: it opens inside the chat toolbar's
 * webview on phones, once per chat, so every kilobyte shows. The UI is a few read-only cards and
 * one button; antd would roughly quadruple the gzipped download (~85 KB now, React and zod included).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { reportUncaught } from '../shared/report';
import '../shared/error-boundary.css';
import './sidebar.css';

reportUncaught('sidebar');

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
