export default defineAppConfig({
  // Tab pages live in the main package; everything else in subpackages.
  pages: ['pages/catalog/index', 'pages/cart/index', 'pages/orders/index', 'pages/followup/index', 'pages/me/index'],
  subPackages: [
    { root: 'packageOrder', pages: ['checkout/index', 'detail/index'] },
    { root: 'packageFollowup', pages: ['list/index', 'detail/index', 'customers/index', 'customer/index', 'place/index', 'aftersales/index', 'receipt/index'] },
    { root: 'packageReport', pages: ['statement/index', 'receipts/index'] },
    { root: 'packageSupply', pages: ['shortfall/index', 'samples/index', 'sample/index', 'sku/index', 'backorders/index'] },
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '订货通',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f6f8',
  },
  tabBar: {
    // Drawn by src/custom-tab-bar (weapp) and components/TabBar (H5), so that the staff-only
    // 跟单 tab can be shown only to staff (see components/tabs.ts).
    custom: true,
    color: '#999999',
    selectedColor: '#1a73e8',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      { pagePath: 'pages/catalog/index', text: '订货', iconPath: 'assets/tab/catalog.png', selectedIconPath: 'assets/tab/catalog-active.png' },
      { pagePath: 'pages/cart/index', text: '购物车', iconPath: 'assets/tab/cart.png', selectedIconPath: 'assets/tab/cart-active.png' },
      { pagePath: 'pages/orders/index', text: '订单', iconPath: 'assets/tab/orders.png', selectedIconPath: 'assets/tab/orders-active.png' },
      { pagePath: 'pages/followup/index', text: '跟单', iconPath: 'assets/tab/followup.png', selectedIconPath: 'assets/tab/followup-active.png' },
      { pagePath: 'pages/me/index', text: '我的', iconPath: 'assets/tab/me.png', selectedIconPath: 'assets/tab/me-active.png' },
    ],
  },
  lazyCodeLoading: 'requiredComponents',
});
