// enableShareAppMessage: the page answers onShareAppMessage (useShareAppMessage) with a card.
export default definePageConfig({ navigationBarTitleText: '作品详情', enableShareAppMessage: true });
