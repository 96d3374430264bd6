export default definePageConfig({
  navigationBarTitleText: '我的缺货登记',
});
