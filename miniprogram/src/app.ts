import Taro, { useLaunch } from '@tarojs/taro';
import type { PropsWithChildren } from 'react';
import './app.scss';

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    if (process.env.TARO_ENV === 'weapp') {
      const env = process.env.TARO_APP_CLOUD_ENV;
      Taro.cloud.init({ ...(env ? { env } : {}), traceUser: true });
    }
  });
  // children are the pages
  return children;
}

export default App;
