export default definePageConfig({ navigationBarTitleText: '我的消费' });
