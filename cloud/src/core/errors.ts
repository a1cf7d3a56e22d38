/**
 * The one error type services throw on purpose. The global filter turns it into
 * HTTP status + `{ code, message, details? }` using the stable table in contracts/errors.ts.
 */
import { ERROR_CODES, type ErrorBody, type ErrorCode } from '../../../contracts/errors';

export type ErrorDetails = NonNullable<ErrorBody['details']>;

export class AppError extends Error {
  readonly status: number;

  constructor(
    public readonly code: ErrorCode,
    message?: string,
    public readonly details?: ErrorDetails,
  ) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'AppError';
    this.status = ERROR_CODES[code].status;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.details && this.details.length) body.details = this.details;
    return body;
  }
}

/** Thrown in NODE_ENV=test when a handler's answer does not match its contract's response schema. */
export class ResponseDriftError extends Error {
  constructor(
    public readonly route: string,
    public readonly issues: ErrorDetails,
  ) {
    super(`response of ${route} drifted from its contract: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'ResponseDriftError';
  }
}
