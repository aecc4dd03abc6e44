import { describe, expect, it } from "vitest";
import { createRateLimiter } from "../../src/lib/rate-limiter.ts";

/** A clock that only moves when told to, so the test sees exactly when each slot was granted. */
function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    /** Sleeping moves the clock to the end of the sleep, as if nothing else ran meanwhile. */
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    set: (ms: number) => {
      t = ms;
    },
    sleeps,
  };
}

describe("rate limiter", () => {
  it("grants one slot every window/limit, so never more than `limit` in any window", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limit: 5, windowMs: 1000, ...clock });
    const granted: number[] = [];
    for (let i = 0; i < 12; i++) {
      await limiter.acquire("oc_1");
      granted.push(clock.now());
    }
    expect(granted.slice(0, 6)).toEqual([0, 200, 400, 600, 800, 1000]);
    for (let i = 5; i < granted.length; i++) {
      expect(granted[i]! - granted[i - 5]!).toBeGreaterThanOrEqual(1000);
    }
  });

  it("queues concurrent callers in the order they asked, each with its own slot", async () => {
    let t = 0;
    const wakes: { at: number; resolve: () => void }[] = [];
    const limiter = createRateLimiter({
      limit: 50,
      windowMs: 1000,
      now: () => t,
      sleep: (ms) => new Promise<void>((resolve) => wakes.push({ at: t + ms, resolve })),
    });
    const order: number[] = [];
    const all = Array.from({ length: 5 }, (_, i) => limiter.acquire("app").then(() => order.push(i)));
    await Promise.resolve();
    // The first goes at once; the others sleep until their own slot, 20 ms apart — not all until one moment.
    expect(wakes.map((w) => w.at)).toEqual([20, 40, 60, 80]);
    for (const w of wakes) {
      t = w.at;
      w.resolve();
    }
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it("keeps keys apart, and a key left idle starts again without waiting", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, ...clock });
    await limiter.acquire("a");
    await limiter.acquire("b");
    expect(clock.sleeps).toEqual([]);
    await limiter.acquire("a");
    expect(clock.now()).toBe(1000);
    clock.set(5000);
    await limiter.acquire("a");
    expect(clock.sleeps).toEqual([1000]);
  });
});
