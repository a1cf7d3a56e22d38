export default definePageConfig({ navigationBarTitleText: '菜谱' });
