import { ERROR_CODES, type ErrorBody, type ErrorCode } from '@vir/contracts';

/** A coded refusal. Messages are written by us, never built from message content (no BSN). */
export class GatewayError extends Error {
  /** Set once the tracking id is known, so the answer can carry it. */
  trackingId?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: string[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  body(): ErrorBody {
    const trackingId = this.trackingId;
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}), ...(trackingId ? { trackingId } : {}) };
  }
}
