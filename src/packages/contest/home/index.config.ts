export default definePageConfig({ navigationBarTitleText: '传家年夜菜大赛' });
