export default definePageConfig({ navigationBarTitleText: '会员码', navigationBarBackgroundColor: '#c8381f', navigationBarTextStyle: 'white' });
