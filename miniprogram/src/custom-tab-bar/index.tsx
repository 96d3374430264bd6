/**
 * weapp custom tab bar (app.config tabBar.custom = true). WeChat creates one instance per tab
 * page; the page it belongs to is on top of the stack when it mounts.
 */
import Taro from '@tarojs/taro';
import { useState } from 'react';
import TabBar from '@/components/TabBar';
import { tabForRoute } from '@/components/tabs';

export default function CustomTabBar() {
  const [current] = useState(() => {
    const pages = Taro.getCurrentPages();
    const top = pages[pages.length - 1];
    return tabForRoute(top?.route ?? '');
  });
  return <TabBar current={current} />;
}
