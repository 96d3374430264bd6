export default definePageConfig({
  navigationBarTitleText: '缺货登记与样品',
});
