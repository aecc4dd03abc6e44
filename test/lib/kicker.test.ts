import { describe, expect, it } from "vitest";
import { createKicker } from "../../src/lib/kicker.ts";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("kicker", () => {
  it("a burst of kicks during a run makes exactly one more run, at least the gap later", async () => {
    const starts: number[] = [];
    const k = createKicker(
      async () => {
        starts.push(Date.now());
        await tick(30);
      },
      () => {},
      { minGapMs: 100 },
    );
    k.kick();
    for (let i = 0; i < 50; i++) k.kick();
    await k.idle();
    expect(starts).toHaveLength(2);
    expect((starts[1] as number) - (starts[0] as number)).toBeGreaterThanOrEqual(125);
  });

  it("a failed run is tried again by itself, then left alone after the retries", async () => {
    let runs = 0;
    const errors: unknown[] = [];
    const k = createKicker(
      async () => {
        runs++;
        throw new Error("database away");
      },
      (e) => errors.push(e),
      { retryMs: 20, maxRetries: 2 },
    );
    k.kick();
    await tick(200);
    await k.idle();
    expect(runs).toBe(3);
    expect(errors).toHaveLength(3);
  });
});
