/**
 * The built-in journeys (editable by ops; "restore" puts these back).
 *
 * 新客旅程: welcome (sent by the welcome engine on add) → day 3, if still silent: a friendly nudge
 * with a useful recipe → day 7, if still silent: a task for the owning staff to greet personally.
 * 唤醒旅程: 30 days without interaction → a caring message about what they last bought → 72 h
 * without a reply: a coupon → still nothing after another 72 h: a call task for the store manager.
 */
import type { JourneyStep, JourneyTrigger } from '../../../../contracts/journeys';

export interface BuiltinJourney {
  key: 'new_member' | 'wake_up';
  name: string;
  description: string;
  trigger: JourneyTrigger;
  steps: JourneyStep[];
}

export const RECIPES_PAGE = 'pages/recipes/index?from=journey';

export const BUILTIN_JOURNEYS: BuiltinJourney[] = [
  {
    key: 'new_member',
    name: '新客旅程',
    description: '加好友后发欢迎语；第3天仍未互动发一道实用菜谱；第7天仍未互动提醒员工一对一问候。',
    trigger: { type: 'contact_added' },
    steps: [
      {
        name: '第3天·菜谱关怀',
        waitHours: 72,
        condition: 'no_interaction',
        action: {
          type: 'message',
          text: '{客户称呼}您好～这几天有没有试试店里的新鲜菜？分享一道简单下饭的家常菜：番茄炒蛋先炒蛋盛出，再炒番茄出汁，最后合炒焖半分钟，酸甜入味。更多菜谱在小程序里，欢迎来看看～',
          attachments: [{ type: 'miniprogram', title: '本周家常菜谱', appid: 'wx_dev_appid', page: RECIPES_PAGE }],
        },
      },
      {
        name: '第7天·员工问候',
        waitHours: 96,
        condition: 'no_interaction',
        action: {
          type: 'staff_task',
          title: '一对一问候新客户',
          detail: '客户加好友一周还没有互动：请亲自打个招呼，问问家里的口味偏好，推荐一款适合的菜。',
          assignee: 'owner',
          dueHours: 48,
        },
      },
    ],
  },
  {
    key: 'wake_up',
    name: '唤醒旅程',
    description: '30天没有互动发关怀消息（提到上次买的菜）；72小时仍无回复发回归券；再无回应由店长电话回访。',
    trigger: { type: 'inactive', days: 30 },
    steps: [
      {
        name: '关怀消息',
        waitHours: 0,
        condition: 'always',
        action: {
          type: 'message',
          text: '{客户称呼}，好久不见！上次您带走的{上次购买}还合口味吗？店里最近到了新鲜的时令菜，有空来逛逛，我们都想您啦～',
          attachments: [],
        },
      },
      {
        name: '回归礼券',
        waitHours: 72,
        condition: 'no_interaction',
        action: { type: 'coupon', title: '老朋友回归券', amountFen: 1000, minSpendFen: 5000, validDays: 7 },
      },
      {
        name: '店长电话回访',
        waitHours: 72,
        condition: 'no_interaction',
        action: {
          type: 'staff_task',
          title: '电话回访老顾客',
          detail: '老顾客一个多月没来了，关怀消息和回归券都没有回应：请店长打个电话问候，了解是否有不满意的地方。',
          assignee: 'store_manager',
          dueHours: 72,
        },
      },
    ],
  },
];

export const DEFAULT_SETTINGS = { quietStart: '21:00', quietEnd: '09:00', weeklyCapPerCustomer: 2 };
