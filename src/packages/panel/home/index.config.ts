export default definePageConfig({ navigationBarTitleText: '顾客顾问团' });
