import { GatewayError } from './gateway.error';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows a second of requests at once, then refuses with Retry-After until tokens come back', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    for (let i = 0; i < 5; i++) limiter.take('a', 5);
    let refused: GatewayError | undefined;
    try {
      limiter.take('a', 5);
    } catch (err) {
      refused = err as GatewayError;
    }
    expect({ code: refused?.code, status: refused?.status, retryAfter: refused?.retryAfterSeconds }).toEqual({ code: 'RATE_LIMITED', status: 429, retryAfter: 1 });
    // Another party has a bucket of its own; no limit means no bucket at all.
    expect(() => limiter.take('b', 5)).not.toThrow();
    for (let i = 0; i < 100; i++) limiter.take('c', null);
    now += 200; // 0.2 s at 5/s: one token back
    expect(() => limiter.take('a', 5)).not.toThrow();
    expect(() => limiter.take('a', 5)).toThrow(GatewayError);
  });
});
