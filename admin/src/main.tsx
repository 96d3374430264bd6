import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
// antd's zero-runtime mode: its styles as one static stylesheet instead of CSS-in-JS computed while
// rendering (that cost more CPU than everything else on the order board's first load).
import 'antd/dist/antd.css';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import App from './App';
import { prefetchBoard } from './pages/Orders';
import { getToken } from './api/session';
import { prefetchRefs } from './App';

dayjs.locale('zh-cn');

// Signed in: ask for the session (backoffice.refs) now and, opening on the order board, for its
// first page beside it, instead of after React's first render and after the session answered.
if (getToken() || __CLOUD_ENV__) {
  prefetchRefs();
  if (/^\/admin\/orders\/?$/.test(location.pathname)) prefetchBoard(location.search);
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} theme={{ zeroRuntime: true }}>
      <AntApp>
        <BrowserRouter basename="/admin">
          <App />
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
