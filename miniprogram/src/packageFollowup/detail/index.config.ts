export default definePageConfig({
  navigationBarTitleText: '跟单详情',
});
