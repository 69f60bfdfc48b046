import { limitReached, rateLimited } from './errors.js';

export interface RateLimitOptions {
  shortLimit: number;
  shortTtlMs: number;
  longLimit: number;
  longTtlMs: number;
  /** Newer Twenty's usage limits (a per-workspace flag): RATE_LIMITED with retryAfterMs instead of LIMIT_REACHED. */
  usageLimits?: boolean;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { shortLimit: 100, shortTtlMs: 1_000, longLimit: 100, longTtlMs: 60_000 };

/**
 * Twenty's ThrottlerService.tokenBucketThrottleOrThrow, arithmetic included: the refill is floored and lastRefillAt
 * moves on every successful take, so calls closer together than ttl/limit never earn a token back.
 */
class TokenBucket {
  private tokens: number;
  private lastRefillAt: number;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly clock: () => number,
    private readonly usageLimits = false,
  ) {
    this.tokens = max;
    this.lastRefillAt = clock();
  }

  take(count: number): void {
    const now = this.clock();
    const refill = Math.floor((now - this.lastRefillAt) * (this.max / this.windowMs));
    const available = Math.min(this.tokens + refill, this.max);
    if (available < count) {
      if (!this.usageLimits) throw limitReached(this.max, this.windowMs);
      const retryAfterMs = Math.max(0, Math.ceil(((count - this.tokens) * this.windowMs) / this.max - (now - this.lastRefillAt)));
      throw rateLimited(this.max, this.windowMs, retryAfterMs);
    }
    this.tokens = available - count;
    this.lastRefillAt = now;
  }
}

/** Per-workspace throttle: one token per root resolver, SHORT then LONG bucket, as in the base query runner. */
export class WorkspaceThrottle {
  private readonly buckets: TokenBucket[];

  constructor(options: RateLimitOptions, clock: () => number = Date.now) {
    this.buckets = [
      new TokenBucket(options.shortLimit, options.shortTtlMs, clock, options.usageLimits),
      new TokenBucket(options.longLimit, options.longTtlMs, clock, options.usageLimits),
    ];
  }

  take(): void {
    for (const bucket of this.buckets) bucket.take(1);
  }
}
