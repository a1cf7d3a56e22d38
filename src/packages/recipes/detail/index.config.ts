export default definePageConfig({ navigationBarTitleText: '菜谱', enableShareAppMessage: true });
