export default definePageConfig({
  navigationBarTitleText: '货款回笼与提成',
});
