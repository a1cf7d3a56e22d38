export default definePageConfig({ navigationBarTitleText: '你说我改' });
