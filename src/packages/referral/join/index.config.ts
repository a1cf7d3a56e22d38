export default definePageConfig({ navigationBarTitleText: '邻居邀请你' });
