import { describe, expect, it } from "vitest";
import { createCardRefresher } from "../../src/app/meetings/card-refresher.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { createRateLimiter } from "../../src/lib/rate-limiter.ts";
import type { CardView, PlatformClient } from "../../src/platforms/types.ts";

/** Time moves only when someone sleeps; sleepers wake in order of their wake-up time. */
function virtualTime() {
  let now = 10_000;
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      const until = now + ms;
      await new Promise((r) => setImmediate(r));
      now = Math.max(now, until);
    },
  };
}

function recordingClient(time: { clock: () => number }) {
  const patches: { at: number; messageId: string; text: string }[] = [];
  const client = {
    platform: "feishu",
    async updateCard(messageId: string, card: CardView) {
      patches.push({ at: time.clock(), messageId, text: card.header?.title ?? "" });
    },
  } as unknown as PlatformClient;
  return { client, patches };
}

describe("card refresher", () => {
  it("turns a burst of clicks into a few patches, at most one per interval, the last showing the final state", async () => {
    const time = virtualTime();
    const { client, patches } = recordingClient(time);
    let count = 0;
    const renders: number[] = [];
    const refresher = createCardRefresher({
      channels: { feishu: { client } },
      logger: silentLogger,
      ...time,
      render: async () => {
        renders.push(time.clock());
        return {
          card: { header: { title: `已签到 ${count}` }, blocks: [] },
          messages: [{ platform: "feishu", messageId: "om_1" }],
        };
      },
    });
    for (let i = 0; i < 200; i++) {
      count++;
      void refresher.refresh("m1");
      if (i % 20 === 0) await time.sleep(100);
    }
    await refresher.idle();
    expect(patches.length).toBeLessThan(20);
    expect(patches.at(-1)?.text).toBe("已签到 200");
    for (let i = 1; i < renders.length; i++) {
      expect(renders[i]! - renders[i - 1]!).toBeGreaterThanOrEqual(250);
    }
  });

  it("shares the app's live-card budget between meetings: each waits its turn, none is lost", async () => {
    const time = virtualTime();
    const { client, patches } = recordingClient(time);
    const refresher = createCardRefresher({
      channels: {
        feishu: {
          client,
          pace: createRateLimiter({ limit: 2, windowMs: 1000, now: time.clock, sleep: time.sleep }),
        },
      },
      logger: silentLogger,
      ...time,
      render: async (subject) => ({
        card: { header: { title: subject }, blocks: [] },
        messages: [{ platform: "feishu", messageId: `om_${subject}` }],
      }),
    });
    await Promise.all(["a", "b", "c", "d"].map((s) => refresher.refresh(s)));
    await refresher.idle();
    expect(patches.map((p) => p.text).sort()).toEqual(["a", "b", "c", "d"]);
    // Two a second for the whole app: one every 500 ms.
    expect(patches.map((p) => p.at)).toEqual([10_000, 10_500, 11_000, 11_500]);
  });
});

describe("card refresher, a click as a loop ends", () => {
  /** The click lands `ticks` microtasks after the patch call returns: somewhere in there the loop takes its last look. */
  async function lastPatchWithClickAfter(ticks: number): Promise<number | undefined> {
    const time = virtualTime();
    let count = 1;
    const seen: number[] = [];
    let refresher: ReturnType<typeof createCardRefresher> | undefined;
    let clicked: Promise<void> | undefined;
    const client = {
      platform: "feishu",
      async updateCard(_messageId: string, card: CardView) {
        seen.push(Number(card.header?.title));
        if (seen.length > 1) return;
        let p = Promise.resolve();
        for (let i = 0; i < ticks; i++) p = p.then(() => undefined);
        clicked = p.then(() => {
          count = 2;
          void refresher?.refresh("m1");
        });
      },
    } as unknown as PlatformClient;
    refresher = createCardRefresher({
      channels: { feishu: { client } },
      logger: silentLogger,
      ...time,
      render: async () => ({
        card: { header: { title: String(count) }, blocks: [] },
        messages: [{ platform: "feishu", messageId: "om_1" }],
      }),
    });
    await refresher.refresh("m1");
    await clicked;
    await refresher.idle();
    return seen.at(-1);
  }

  it("a click landing between the loop's last look at its work and its end still gets its patch", async () => {
    for (let ticks = 0; ticks < 15; ticks++) {
      expect(await lastPatchWithClickAfter(ticks), `click ${ticks} microtasks after the patch`).toBe(2);
    }
  });
});
