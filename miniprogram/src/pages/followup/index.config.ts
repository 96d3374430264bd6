export default definePageConfig({
  navigationBarTitleText: '跟单工作台',
  enablePullDownRefresh: true,
});
