/**
 * The tab bar, decided by role. The app config lists every tab page (weapp needs them all in
 * tabBar.list, with `custom: true`); which ones are shown is decided here, at run time:
 * the staff-only 跟单 tab appears only for merchandisers and admins.
 * weapp draws it with the custom-tab-bar component, H5 (whose Taro runtime has no custom tab bar)
 * with the same TabBar component rendered at the bottom of each tab page.
 */
import type { Me } from '@dinghuo/shared/api';

export type TabKey = 'catalog' | 'cart' | 'orders' | 'followup' | 'me';

export interface TabDef {
  key: TabKey;
  pagePath: string;
  text: string;
}

export const TABS: readonly TabDef[] = [
  { key: 'catalog', pagePath: 'pages/catalog/index', text: '订货' },
  { key: 'cart', pagePath: 'pages/cart/index', text: '购物车' },
  { key: 'orders', pagePath: 'pages/orders/index', text: '订单' },
  { key: 'followup', pagePath: 'pages/followup/index', text: '跟单' },
  { key: 'me', pagePath: 'pages/me/index', text: '我的' },
];

const CUSTOMER_TABS: readonly TabKey[] = ['catalog', 'cart', 'orders', 'me'];
const STAFF_TABS: readonly TabKey[] = ['followup', 'me'];

export function tabsFor(me: Me | null): TabDef[] {
  const staff = me?.role === 'merchandiser' || me?.role === 'admin';
  const keys = staff ? STAFF_TABS : CUSTOMER_TABS;
  return TABS.filter((t) => keys.includes(t.key));
}

export function tabForRoute(route: string): TabKey | null {
  const clean = route.replace(/^\//, '').split('?')[0];
  return TABS.find((t) => t.pagePath === clean)?.key ?? null;
}
