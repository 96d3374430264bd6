export default definePageConfig({
  navigationBarTitleText: '订货',
  onReachBottomDistance: 200,
});
