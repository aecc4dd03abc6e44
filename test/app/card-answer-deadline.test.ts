/**
 * A platform that waits less for a click's answer (DingTalk: 2 s, PlatformLimits.cardAnswerMs) gets
 * its answer in time: a click slower than what is left after storing it is stored and told “已收到”
 * well within the wait, then finished; a quick click is answered with its result as usual.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FeatureModule } from "../../src/app/feature.ts";
import * as schema from "../../src/db/schema.ts";
import { databaseTargets } from "../support/databases.ts";
import { type MemoryBot, startMemoryBot, textOf } from "../support/memory-bot.ts";

const MEMBER = "1005";

describe.each(databaseTargets)("a click on a platform that waits 2 s ($name)", (target) => {
  let b: MemoryBot;
  const delay = { ms: 0 };
  const slow: FeatureModule = {
    name: "slow",
    create: () => ({
      actions: {
        "slow.click": async () => {
          await new Promise((r) => setTimeout(r, delay.ms));
          return {
            toast: { type: "success", text: "已记录" },
            // The button stays, so the card can be clicked again.
            card: {
              header: { title: "已记录" },
              blocks: [{ type: "buttons", buttons: [{ label: "点我", value: { action: "slow.click" } }] }],
            },
          };
        },
      },
    }),
  };
  beforeAll(async () => {
    // The bot's usual budget (2 s) would let this click run past the platform's wait.
    b = await startMemoryBot(target, { features: [slow], limits: { cardAnswerMs: 2000 } });
  });
  afterAll(async () => {
    await b?.close();
  });

  it("answers “已收到” within the wait and finishes the click afterwards; a quick click gets its result", async () => {
    const sent = await b.platform.client.send(
      { type: "chat", id: await b.chatOf("bgs") },
      {
        kind: "card",
        card: {
          header: { title: "试验卡片" },
          blocks: [{ type: "buttons", buttons: [{ label: "点我", value: { action: "slow.click" } }] }],
        },
      },
      { idempotencyKey: "deadline-card" },
    );
    const message = b.platform.sent.find((m) => m.messageId === sent.messageId);
    if (!message) throw new Error("card expected");
    const [identity] = await b.db.db
      .select({ value: schema.memberIdentities.value })
      .from(schema.memberIdentities)
      .innerJoin(schema.members, eq(schema.members.id, schema.memberIdentities.memberId))
      .where(and(eq(schema.members.code, MEMBER), eq(schema.memberIdentities.kind, "open_id")));

    delay.ms = 1700;
    const started = Date.now();
    const answer = await b.platform.click(identity?.value as string, message.messageId, "slow.click");
    const took = Date.now() - started;
    expect(answer.toast).toEqual({ type: "info", text: "已收到，正在处理…" });
    expect(took).toBeLessThan(1900);
    await new Promise((r) => setTimeout(r, 1800));
    await b.settle();
    expect(textOf(message)).toContain("已记录");

    delay.ms = 50;
    const quick = await b.platform.click(identity?.value as string, message.messageId, "slow.click");
    expect(quick.toast).toEqual({ type: "success", text: "已记录" });
  });
});
