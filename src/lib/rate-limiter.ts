/**
 * Sliding-window limiter: at most `limit` acquisitions per key within any `windowMs`.
 * Platforms publish limits as "N per second"; a sliding window never bursts past N at a window edge,
 * as a fixed one-second bucket would.
 */
export interface RateLimiter {
  /** Resolves when a slot for `key` is free, and takes it. */
  acquire(key: string): Promise<void>;
}

export interface RateLimiterOptions {
  limit: number;
  windowMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const taken = new Map<string, number[]>();
  return {
    async acquire(key) {
      for (;;) {
        const t = now();
        const stamps = (taken.get(key) ?? []).filter((s) => s > t - options.windowMs);
        if (stamps.length < options.limit) {
          stamps.push(t);
          taken.set(key, stamps);
          return;
        }
        taken.set(key, stamps);
        // The oldest stamp leaves the window first; +1 so it has really left when we look again.
        await wait((stamps[0] ?? t) + options.windowMs - t + 1);
      }
    },
  };
}
