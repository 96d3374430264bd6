export default definePageConfig({
  navigationBarTitleText: '样品单',
});
