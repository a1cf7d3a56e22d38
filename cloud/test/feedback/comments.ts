/**
 * A kept list of real-style member comments (the way people write in WeChat: short, no
 * punctuation, mixed praise and complaint) with the topics and sentiment ops expect. When the
 * default rules change, this list says what changed; add a line for every misfiled comment ops
 * report.
 */
import type { Sentiment, Topic } from '../../../contracts/feedback';

export interface KeptComment {
  text: string;
  rating?: number;
  topics: Topic[];
  sentiment: Sentiment;
}

export const KEPT_COMMENTS: KeptComment[] = [
  { text: '今天买的虾不新鲜，回家一开就有异味', rating: 1, topics: ['product'], sentiment: 'negative' },
  { text: '老师讲得太快了，孩子跟不上，教室也太挤', rating: 2, topics: ['service', 'environment'], sentiment: 'negative' },
  { text: '收银排队排了二十分钟，只开了一个收银台', topics: ['service'], sentiment: 'negative' },
  { text: '牛肉比隔壁便宜还新鲜，点赞', rating: 5, topics: ['product', 'price', 'praise'], sentiment: 'positive' },
  { text: '同样的鸡蛋比别家贵了两块，有点贵', topics: ['product', 'price'], sentiment: 'negative' },
  { text: '店员态度不好，问个东西爱答不理', rating: 1, topics: ['service'], sentiment: 'negative' },
  { text: '谢谢王姐帮我留的年夜饭套餐，太贴心了', rating: 5, topics: ['praise', 'product', 'service'], sentiment: 'positive' },
  { text: '地面湿湿的很滑，老人进来要小心，建议放个防滑垫', topics: ['environment'], sentiment: 'negative' },
  { text: '门口没地方停车，每次来都要绕好几圈', topics: ['environment'], sentiment: 'negative' },
  { text: '群消息太多了，一天十几条，能不能少发点', topics: ['service'], sentiment: 'negative' },
  { text: '提货等了半小时，说好的时段根本没用', rating: 2, topics: ['service'], sentiment: 'negative' },
  { text: '课程很好，孩子很喜欢，老师很有耐心', rating: 5, topics: ['service'], sentiment: 'positive' },
  { text: '菜品种太少了，想买的香菜经常缺货', topics: ['product'], sentiment: 'negative' },
  { text: '不太新鲜', rating: 2, topics: ['product'], sentiment: 'negative' },
  { text: '店员一点也不热情', topics: ['service'], sentiment: 'negative' },
  { text: '环境干净整洁，买菜心情都好了', rating: 5, topics: ['environment'], sentiment: 'positive' },
  // 「过期」 here is the coupon's, but the rules read it as the goods': kept as a known limit of keywords
  { text: '优惠券用不了，结账的时候说过期了', topics: ['price', 'service', 'product'], sentiment: 'negative' },
  { text: '挺好的', rating: 5, topics: ['praise'], sentiment: 'positive' },
  { text: '一般般吧', rating: 3, topics: [], sentiment: 'neutral' },
  { text: '水果烂了好几个，退款也麻烦', rating: 1, topics: ['product'], sentiment: 'negative' },
];
