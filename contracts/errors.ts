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
  INTERNAL: { status: 500, message: '系统开小差了，请稍后再试' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Body of every non-2xx answer. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** For VALIDATION_FAILED: which fields and why. */
  details?: Array<{ path: string; message: string }>;
}
