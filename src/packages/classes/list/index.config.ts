export default definePageConfig({ navigationBarTitleText: '课程与活动' });
