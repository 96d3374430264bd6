export default definePageConfig({
  navigationBarTitleText: '跟单列表',
});
