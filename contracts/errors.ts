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
  // phone binding (issue 11)
  PHONE_CODE_INVALID: { status: 400, message: '手机号授权已失效，请重新点击获取' },
  PHONE_NOT_SUPPORTED: { status: 400, message: '暂只支持中国大陆手机号' },
  PHONE_TAKEN: { status: 409, message: '该手机号已绑定其他会员账号，如有疑问请联系门店' },
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
  CLASS_FULL: { status: 409, message: '名额已满（付费活动不设候补），请换一场' },
  CLASS_NOT_PAYABLE: { status: 409, message: '该报名已超过支付时间或无需支付，请重新报名' },
  CLASS_SESSION_UNAVAILABLE: { status: 409, message: '该场次已取消或已结束' },
  CLASS_REGISTRATION_CLOSED: { status: 409, message: '报名已截止' },
  CLASS_ALREADY_REGISTERED: { status: 409, message: '你已报名该场次，请在「我的活动」查看' },
  CLASS_PARTY_TOO_LARGE: { status: 409, message: '报名人数超过本场可容纳的名额' },
  CLASS_TOO_MANY_BOOKINGS: { status: 409, message: '你已有较多未开始的报名，请先参加或取消一些再报名' },
  CLASS_MEMBER_BLOCKED: { status: 403, message: '因近期多次报名未到场，暂时不能报名' },
  CLASS_CANCEL_CLOSED: { status: 409, message: '已过取消截止时间，无法取消报名' },
  CLASS_NOT_CANCELLABLE: { status: 409, message: '该报名已取消或活动已结束' },
  CLASS_CHECKIN_CODE_INVALID: { status: 404, message: '签到码无效，请核对后再试' },
  CLASS_CHECKIN_CODE_EXPIRED: { status: 410, message: '签到码已过期，请扫描门口屏幕上正在显示的签到码' },
  CLASS_CHECKIN_CLOSED: { status: 409, message: '当前不在签到时间内' },
  CLASS_NOT_CONFIRMED: { status: 409, message: '该报名尚未确认（候补中或已取消），不能签到' },
  CLASS_RATING_NOT_ALLOWED: { status: 409, message: '参加活动并签到后才能评价' },
  CLASS_ALREADY_RATED: { status: 409, message: '你已经评价过这次活动了' },
  CLASS_SEATS_BELOW_BOOKED: { status: 409, message: '名额不能少于已报名的人数' },
  // community (社群运营)
  PANEL_NOT_MEMBER: { status: 403, message: '加入顾客顾问团后才能报名' },
  PANEL_ROUND_FULL: { status: 409, message: '本轮名额已满' },
  PANEL_ROUND_CLOSED: { status: 409, message: '本轮已截止报名' },
  PANEL_REVIEW_NOT_ALLOWED: { status: 409, message: '报名参加后才能提交评价' },
  KIT_NOT_PUBLISHED: { status: 409, message: '活动包尚未发布' },
  SOP_TASK_NOT_OPEN: { status: 409, message: '该群发任务已处理' },
  INTERNAL: { status: 500, message: '系统开小差了，请稍后再试' },
  // ---- WeCom engine & journeys (issue 6) ----
  WECOM_CALLBACK_REJECTED: { status: 403, message: '回调签名校验失败' },
  WECOM_API_FAILED: { status: 502, message: '企业微信接口调用失败，请稍后再试' },
  CHANNEL_STATE_TAKEN: { status: 409, message: '渠道标识已被使用，请换一个' },
  REFERRAL_NOT_CONFIGURED: { status: 409, message: '邀请活码暂未开放，请稍后再试' },
  // ---- provisioning (issue 12) ----
  PASSWORD_CHANGE_REQUIRED: { status: 403, message: '请先修改初始密码' },
  PASSWORD_INCORRECT: { status: 400, message: '当前密码不正确' },
  USERNAME_TAKEN: { status: 409, message: '用户名已被使用' },
  WECOM_USERID_TAKEN: { status: 409, message: '该企业微信账号已绑定其他员工' },
  STORE_NAME_TAKEN: { status: 409, message: '门店名称已存在' },
  LAST_ADMIN: { status: 409, message: '至少要保留一个可用的总部管理员' },
  JOURNEY_NOT_BUILTIN: { status: 400, message: '只有内置旅程可以恢复默认设置' },
  MATERIAL_NOT_MEDIA: { status: 400, message: '只有图片和文件素材需要上传到企业微信' },
  MATERIAL_FILE_UNAVAILABLE: { status: 422, message: '素材文件无法读取或不符合企业微信要求（图片需为 JPG/PNG 且不超过10MB，文件不超过20MB）' },
  // ---- feedback, churn, arrivals (issue 20) ----
  FEEDBACK_PHOTO_NOT_FOUND: { status: 400, message: '照片没有上传成功，请重新选择' },
  FEEDBACK_ALREADY_GIVEN: { status: 409, message: '这次已经评价过了，谢谢你' },
  FEEDBACK_NOT_ANSWERABLE: { status: 409, message: '该反馈的会员没有可以转达的店员，请在小程序内回复' },
  FEEDBACK_NOT_RESOLVED: { status: 409, message: '请先回复或解决该反馈，再公示' },
  // member hub (household, profile, recipes)
  HOUSEHOLD_EXISTS: { status: 409, message: '你已经在一个家庭里了，请先退出当前家庭' },
  NOT_IN_HOUSEHOLD: { status: 409, message: '你还没有加入家庭' },
  HOUSEHOLD_INVITE_INVALID: { status: 404, message: '邀请已失效，请让家人重新分享' },
  NICKNAME_REJECTED: { status: 400, message: '昵称含有不允许的内容，请换一个' },
  AVATAR_NOT_FOUND: { status: 400, message: '头像上传失败，请重新选择' },
  // ---- pre-orders & WeChat Pay (issue 14) ----
  PAY_UNAVAILABLE: { status: 502, message: '微信支付暂时不可用，请稍后再试' },
  PAY_ALREADY_PAID: { status: 409, message: '订单已支付，请勿重复支付' },
  PAY_TRADE_CLOSED: { status: 409, message: '支付已关闭，请重新下单' },
  PREORDER_NOT_ON_SALE: { status: 409, message: '预订未开始或已截止' },
  PREORDER_SOLD_OUT: { status: 409, message: '很抱歉，菜品已售罄或库存不足' },
  PREORDER_DAY_CAP: { status: 409, message: '当天的制作份数已满，请换一天取货' },
  PREORDER_MEMBER_LIMIT: { status: 409, message: '已超过每人限购份数' },
  PREORDER_SLOT_FULL: { status: 409, message: '该取货时段已约满，请换一个时段' },
  PREORDER_STORE_NOT_IN_CAMPAIGN: { status: 400, message: '该门店不参与本次预订' },
  PREORDER_NOT_PAYABLE: { status: 409, message: '订单已超时或已取消，请重新下单' },
  PREORDER_CANCEL_CLOSED: { status: 409, message: '已过取消截止时间，无法取消或退款' },
  PREORDER_NOT_CANCELLABLE: { status: 409, message: '订单当前状态不能取消' },
  PREORDER_CODE_INVALID: { status: 404, message: '取货码无效，请核对后再试' },
  PREORDER_ALREADY_PICKED_UP: { status: 409, message: '该订单已核销，请勿重复取货' },
  PREORDER_NOT_PAID: { status: 409, message: '该订单未支付或已退款，不能核销' },
  PREORDER_NO_OPENID: { status: 409, message: '请在微信小程序内完成支付' },
  // ---- purchases ledger (issue 11) ----
  POS_SIGNATURE_INVALID: { status: 401, message: '收银接口签名校验失败' },
  POS_STALE: { status: 401, message: '请求时间戳超出允许范围' },
  POS_REPLAYED: { status: 409, message: '重复的请求（nonce 已使用）' },
  IMPORT_FORMAT_UNSUPPORTED: { status: 415, message: '只支持 CSV 或 Excel（.xlsx）文件' },
  IMPORT_NOT_STARTABLE: { status: 409, message: '导入正在进行或已撤销，不能再开始' },
  IMPORT_NOT_UNDOABLE: { status: 409, message: '只有已完成的导入可以撤销' },
  IMPORT_MAPPING_INVALID: { status: 400, message: '列对应关系不完整，请检查必填字段' },
  RECEIPT_ALREADY_MATCHED: { status: 409, message: '该小票已关联会员' },
  COUPON_INVALID: { status: 404, message: '优惠券不存在' },
  COUPON_USED: { status: 409, message: '优惠券已使用' },
  COUPON_EXPIRED: { status: 409, message: '优惠券已过期' },
  COUPON_MIN_SPEND: { status: 409, message: '未达到优惠券的使用门槛' },
  COUPON_NOT_OWNER: { status: 409, message: '该优惠券不属于本小票的会员' },
  // ---- referral (issue 15) ----
  SHARE_TOKEN_INVALID: { status: 400, message: '分享链接无效或已被修改' },
  INVITE_CODE_INVALID: { status: 400, message: '邀请码不正确，请核对后再试' },
  INVITE_CODE_CLOSED: { status: 409, message: '只有新注册的会员可以填写邀请码，且只能填写一次' },
  REWARD_NOT_HELD: { status: 409, message: '该奖励不在待审核状态' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Body of every non-2xx answer. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** For VALIDATION_FAILED: which fields and why. */
  details?: Array<{ path: string; message: string }>;
}
