export default definePageConfig({
  navigationBarTitleText: '缺货分配',
});
