export default definePageConfig({ navigationBarTitleText: '我的年夜饭订单' });
