import { GatewayError } from './gateway.error';

/**
 * Per-party rate limit at the party port: a token bucket per OIN holding one second's worth of
 * requests, refilled continuously. Over the limit: 429 RATE_LIMITED with Retry-After; nothing is
 * read or accepted, so no accepted work is ever dropped. In memory, per gateway instance.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly nowMs: () => number = () => Date.now()) {}

  take(oin: string, perSecond: number | null): void {
    if (perSecond === null) return;
    const now = this.nowMs();
    const bucket = this.buckets.get(oin) ?? { tokens: perSecond, at: now };
    bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.buckets.set(oin, bucket);
    if (bucket.tokens < 1) {
      throw new GatewayError('RATE_LIMITED', `More than ${perSecond} requests per second`, undefined, Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)));
    }
    bucket.tokens -= 1;
  }
}
