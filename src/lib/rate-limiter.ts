/**
 * Paced limiter: at most `limit` acquisitions per key within any `windowMs`, granted evenly, one every
 * windowMs/limit, in the order they were asked for. Platforms publish limits as "N per second"; pacing
 * keeps within them at every instant, and a queue of waiting sends (50 card patches, say) leaves one at
 * a time instead of all at once whenever a window frees up.
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
  const interval = options.windowMs / options.limit;
  /** When each key's next slot is free; a key idle for longer than the interval starts afresh. */
  const nextFree = new Map<string, number>();
  return {
    async acquire(key) {
      const t = now();
      if (nextFree.size > 10_000) for (const [k, at] of nextFree) if (at <= t) nextFree.delete(k);
      const slot = Math.max(t, nextFree.get(key) ?? t);
      nextFree.set(key, slot + interval);
      if (slot > t) await wait(slot - t);
    },
  };
}
