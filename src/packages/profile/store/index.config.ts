export default definePageConfig({ navigationBarTitleText: '常去门店' });
