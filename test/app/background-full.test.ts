/**
 * The background runner is bounded (src/lib/background.ts): when it is full it refuses work instead of
 * queueing it without end. The one use left after the durable inbox is finishing a slow click; a refused
 * one must not be lost — the click is stored before “已收到”, and the inbox's retry finishes it.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FeatureModule } from "../../src/app/feature.ts";
import * as schema from "../../src/db/schema.ts";
import { createBackgroundRunner } from "../../src/lib/background.ts";
import { databaseTargets } from "../support/databases.ts";
import { type MemoryBot, startMemoryBot, textOf } from "../support/memory-bot.ts";

const MEMBER = "1005";

describe.each(databaseTargets)("a slow click while background work is full ($name)", (target) => {
  let b: MemoryBot;
  const delay = { ms: 0 };
  // One place, no queue: a task that hangs fills it.
  const runner = createBackgroundRunner(() => {}, { maxInFlight: 1, maxQueued: 0 });
  const slow: FeatureModule = {
    name: "slow",
    create: () => ({
      actions: {
        "slow.click": async () => {
          await new Promise((r) => setTimeout(r, delay.ms));
          return {
            toast: { type: "success", text: "已记录" },
            card: { header: { title: "已记录" }, blocks: [] },
          };
        },
      },
    }),
  };
  beforeAll(async () => {
    b = await startMemoryBot(target, { features: [slow], cardActionBudgetMs: 300, background: runner });
  });
  afterAll(async () => {
    await b?.close();
  });

  it("is refused by the runner, yet finished by the inbox's retry", async () => {
    const sent = await b.platform.client.send(
      { type: "chat", id: await b.chatOf("bgs") },
      {
        kind: "card",
        card: {
          header: { title: "试验卡片" },
          blocks: [{ type: "buttons", buttons: [{ label: "点我", value: { action: "slow.click" } }] }],
        },
      },
      { idempotencyKey: "slow-card" },
    );
    const message = b.platform.sent.find((m) => m.messageId === sent.messageId);
    if (!message) throw new Error("card expected");

    let release: () => void = () => {};
    expect(runner.run(() => new Promise<void>((r) => (release = r)))).toBe(true);
    expect(runner.run(async () => {})).toBe(false);

    const [identity] = await b.db.db
      .select({ value: schema.memberIdentities.value })
      .from(schema.memberIdentities)
      .innerJoin(schema.members, eq(schema.members.id, schema.memberIdentities.memberId))
      .where(and(eq(schema.members.code, MEMBER), eq(schema.memberIdentities.kind, "open_id")));
    delay.ms = 600;
    const answer = await b.platform.click(identity?.value as string, message.messageId, "slow.click");
    expect(answer.toast).toEqual({ type: "info", text: "已收到，正在处理…" });
    await new Promise((r) => setTimeout(r, 900));
    // The runner was full: nobody patched the card in the background…
    expect(textOf(message)).toContain("试验卡片");
    const [pending] = await b.db.db
      .select()
      .from(schema.inboundEvents)
      .where(
        and(eq(schema.inboundEvents.eventType, "card_action"), eq(schema.inboundEvents.state, "pending")),
      );
    expect(pending).toBeDefined();

    // …and the inbox, when the click's retry is due, finishes it.
    release();
    delay.ms = 0;
    b.clock.now = new Date(b.clock.now.getTime() + 60_000);
    await b.bot.inbox.drain();
    await b.settle();
    const [row] = await b.db.db
      .select()
      .from(schema.inboundEvents)
      .where(eq(schema.inboundEvents.eventId, pending?.eventId as string));
    expect(row).toMatchObject({ state: "done" });
    expect(textOf(message)).toBe("已记录");
  });
});
