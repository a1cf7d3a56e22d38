export default definePageConfig({ navigationBarTitleText: '年夜饭预订' });
