import { describe, expect, it } from "vitest";
import {
  BackgroundBusyError,
  createBackgroundRunner,
  DEFAULT_BACKGROUND_LIMITS,
  runOrThrow,
} from "../../src/lib/background.ts";

/** A task that runs until released, recording when it started. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

describe("background runner: bounded", () => {
  it("runs at most maxInFlight at once, queues up to maxQueued, and refuses the rest", async () => {
    const runner = createBackgroundRunner(() => {}, { maxInFlight: 2, maxQueued: 3 });
    const g = gate();
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const task = (i: number) => async () => {
      started.push(i);
      running++;
      most = Math.max(most, running);
      await g.opened;
      running--;
    };
    const taken = Array.from({ length: 8 }, (_, i) => runner.run(task(i)));
    // 2 running + 3 waiting; the other 3 refused and never run.
    expect(taken).toEqual([true, true, true, true, true, false, false, false]);
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toEqual([0, 1]);
    g.open();
    await runner.drain(2000);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
    // Room again once the work is done.
    expect(runner.run(async () => {})).toBe(true);
    await runner.drain(1000);
  });

  it("drain waits for queued tasks as well as running ones", async () => {
    const runner = createBackgroundRunner(() => {}, { maxInFlight: 1, maxQueued: 5 });
    const done: number[] = [];
    for (let i = 0; i < 4; i++) {
      runner.run(async () => {
        await new Promise((r) => setTimeout(r, 10));
        done.push(i);
      });
    }
    await runner.drain(5000);
    expect(done).toEqual([0, 1, 2, 3]);
  });

  it("drain gives up after its timeout on a task that hangs", async () => {
    const runner = createBackgroundRunner(() => {}, { maxInFlight: 1, maxQueued: 0 });
    runner.run(() => new Promise(() => {}));
    const t0 = Date.now();
    await runner.drain(100);
    expect(Date.now() - t0).toBeLessThan(2000);
    // Still full: the hung task holds the only place.
    expect(runner.run(async () => {})).toBe(false);
  });

  it("a failing task goes to onError and frees its place", async () => {
    const errors: unknown[] = [];
    const runner = createBackgroundRunner((e) => errors.push(e), { maxInFlight: 1, maxQueued: 0 });
    expect(runner.run(async () => Promise.reject(new Error("boom")))).toBe(true);
    await runner.drain(1000);
    expect(errors).toHaveLength(1);
    expect(runner.run(async () => {})).toBe(true);
    await runner.drain(1000);
  });

  it("runOrThrow throws a typed error when full", () => {
    const runner = createBackgroundRunner(() => {}, { maxInFlight: 1, maxQueued: 0 });
    runOrThrow(runner, () => new Promise(() => {}));
    expect(() => runOrThrow(runner, async () => {})).toThrow(BackgroundBusyError);
  });

  it("has a bound by default", async () => {
    const runner = createBackgroundRunner(() => {});
    const { maxInFlight, maxQueued } = DEFAULT_BACKGROUND_LIMITS;
    const hang = () => new Promise(() => {});
    let taken = 0;
    for (let i = 0; i < maxInFlight + maxQueued + 10; i++) if (runner.run(hang)) taken++;
    expect(taken).toBe(maxInFlight + maxQueued);
  });
});
