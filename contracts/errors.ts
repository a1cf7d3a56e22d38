/**
 * Stable machine codes for every error the API returns, with the HTTP status and the
 * human message (Simplified Chinese, shown to members as is). Clients switch on `code`,
 * never on `message`.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, message: '提交的信息有误，请检查后再试' },
  BAD_REQUEST: { status: 400, message: '请求无法处理' },
  UNAUTHENTICATED: { status: 401, message: '请先登录' },
  SESSION_EXPIRED: { status: 401, message: '登录已过期，请重新登录' },
  INVALID_CREDENTIALS: { status: 401, message: '用户名或密码错误' },
  FORBIDDEN: { status: 403, message: '没有权限执行此操作' },
  CONSENT_REQUIRED: { status: 403, message: '请先阅读并同意《隐私保护指引》' },
  ACCOUNT_DELETED: { status: 403, message: '该账号已注销' },
  NOT_FOUND: { status: 404, message: '内容不存在或已删除' },
  CONFLICT: { status: 409, message: '操作冲突，请刷新后再试' },
  RATE_LIMITED: { status: 429, message: '操作太频繁，请稍后再试' },
  WECHAT_CODE_INVALID: { status: 400, message: '微信登录凭证无效或已使用，请重新登录' },
  WECOM_CODE_INVALID: { status: 400, message: '企业微信授权已失效，请从企业微信重新打开' },
  WECOM_USER_UNKNOWN: { status: 403, message: '当前企业微信账号未开通员工权限' },
  UPSTREAM_UNAVAILABLE: { status: 502, message: '微信服务暂时不可用，请稍后再试' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '上传内容过大' },
  // contests (issue 4)
  SUBMISSION_CLOSED: { status: 409, message: '作品征集未开始或已结束' },
  ENTRY_LIMIT_REACHED: { status: 409, message: '本次活动每人最多提交3个作品' },
  ENTRY_NOT_EDITABLE: { status: 409, message: '作品已审核或征集已结束，不能再修改' },
  ENTRY_NOT_PENDING: { status: 409, message: '作品状态已变化，请刷新后再试' },
  PHOTO_NOT_FOUND: { status: 400, message: '照片不存在或已失效，请重新上传' },
  VOTING_CLOSED: { status: 409, message: '投票未开始或已结束' },
  ENTRY_NOT_VOTABLE: { status: 409, message: '该作品暂不能投票' },
  OWN_ENTRY_VOTE: { status: 409, message: '不能给自己的作品投票' },
  ALREADY_VOTED_TODAY: { status: 409, message: '今天已经给这个作品投过票了，明天再来吧' },
  DAILY_VOTE_LIMIT: { status: 409, message: '今天的票已经投完了，明天再来吧' },
  CONTEST_LOCKED: { status: 409, message: '投票已开始，投票规则不能再修改' },
  CONTEST_CLOSED: { status: 409, message: '活动已结束，排名已锁定' },
  CONTEST_NOT_CLOSED: { status: 409, message: '活动结束后才能确认获奖作品' },
  NOT_A_WINNER: { status: 409, message: '该作品不是已确认的获奖作品' },
  // uploads (issue 4)
  UPLOAD_TYPE_NOT_ALLOWED: { status: 415, message: '只支持 JPG、PNG、WebP 格式的图片' },
  UPLOAD_INVALID: { status: 400, message: '图片无法识别，请换一张再试' },
  // classes & events (issue 5)
  CLASS_PAYMENT_UNAVAILABLE: { status: 409, message: '付费活动暂未开放在线支付，目前只能创建和报名免费活动' },
  CLASS_SESSION_UNAVAILABLE: { status: 409, message: '该场次已取消或已结束' },
  CLASS_REGISTRATION_CLOSED: { status: 409, message: '报名已截止' },
  CLASS_ALREADY_REGISTERED: { status: 409, message: '你已报名该场次，请在「我的活动」查看' },
  CLASS_PARTY_TOO_LARGE: { status: 409, message: '报名人数超过本场可容纳的名额' },
  CLASS_TOO_MANY_BOOKINGS: { status: 409, message: '你已有较多未开始的报名，请先参加或取消一些再报名' },
  CLASS_MEMBER_BLOCKED: { status: 403, message: '因近期多次报名未到场，暂时不能报名' },
  CLASS_CANCEL_CLOSED: { status: 409, message: '已过取消截止时间，无法取消报名' },
  CLASS_NOT_CANCELLABLE: { status: 409, message: '该报名已取消或活动已结束' },
  CLASS_CHECKIN_CODE_INVALID: { status: 404, message: '签到码无效，请核对后再试' },
  CLASS_CHECKIN_CLOSED: { status: 409, message: '当前不在签到时间内' },
  CLASS_NOT_CONFIRMED: { status: 409, message: '该报名尚未确认（候补中或已取消），不能签到' },
  CLASS_RATING_NOT_ALLOWED: { status: 409, message: '参加活动并签到后才能评价' },
  CLASS_ALREADY_RATED: { status: 409, message: '你已经评价过这次活动了' },
  CLASS_SEATS_BELOW_BOOKED: { status: 409, message: '名额不能少于已报名的人数' },
  INTERNAL: { status: 500, message: '系统开小差了，请稍后再试' },
  // ---- WeCom engine & journeys (issue 6) ----
  WECOM_CALLBACK_REJECTED: { status: 403, message: '回调签名校验失败' },
  WECOM_API_FAILED: { status: 502, message: '企业微信接口调用失败，请稍后再试' },
  CHANNEL_STATE_TAKEN: { status: 409, message: '渠道标识已被使用，请换一个' },
  REFERRAL_NOT_CONFIGURED: { status: 409, message: '邀请活码暂未开放，请稍后再试' },
  JOURNEY_NOT_BUILTIN: { status: 400, message: '只有内置旅程可以恢复默认设置' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Body of every non-2xx answer. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** For VALIDATION_FAILED: which fields and why. */
  details?: Array<{ path: string; message: string }>;
}
