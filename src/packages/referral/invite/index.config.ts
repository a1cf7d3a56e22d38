// enableShareAppMessage: the page answers onShareAppMessage with the member's signed invite card.
export default definePageConfig({ navigationBarTitleText: '邀请邻居', enableShareAppMessage: true });
