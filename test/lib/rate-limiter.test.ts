import { describe, expect, it } from "vitest";
import { createRateLimiter } from "../../src/lib/rate-limiter.ts";

/** A clock that only moves when the limiter sleeps, so the test sees exactly when each slot was granted. */
function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

describe("rate limiter", () => {
  it("grants `limit` slots per window and then waits for the oldest to leave it", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limit: 5, windowMs: 1000, ...clock });
    const granted: number[] = [];
    for (let i = 0; i < 12; i++) {
      await limiter.acquire("oc_1");
      granted.push(clock.now());
    }
    expect(granted.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    // Never more than 5 grants inside any 1000 ms window.
    for (let i = 5; i < granted.length; i++) {
      expect(granted[i]! - granted[i - 5]!).toBeGreaterThanOrEqual(1000);
    }
    expect(granted.at(-1)).toBeLessThan(2100);
  });

  it("keeps keys apart", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, ...clock });
    await limiter.acquire("a");
    await limiter.acquire("b");
    expect(clock.sleeps).toEqual([]);
    await limiter.acquire("a");
    expect(clock.now()).toBeGreaterThanOrEqual(1000);
  });
});
