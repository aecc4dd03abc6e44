/**
 * The durable inbox on the in-memory platform: an acknowledged command is handled once whatever fails
 * on the way — its effects and its done-mark commit together, failures are retried, parked after the
 * limit and the person told; a late click is stored before “已收到” and finished by retry.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineCommand, type FeatureModule } from "../../src/app/feature.ts";
import { runInbox } from "../../src/cli/inbox.ts";
import { recordAudit } from "../../src/db/queries/audit.ts";
import * as schema from "../../src/db/schema.ts";
import { ok } from "../../src/domain/commands.ts";
import { databaseTargets } from "../support/databases.ts";
import { type MemoryBot, startMemoryBot, textOf } from "../support/memory-bot.ts";

const SECRETARY = "1001";
const MEMBER = "1005";

/** A feature whose command and card action fail as often as the test says. */
function flakyFeature(state: { commandFailures: number; clickFailures: number; clickDelayMs: number }) {
  const feature: FeatureModule = {
    name: "flaky",
    create: () => ({
      commands: [
        defineCommand({
          words: ["试验"],
          usage: "试验",
          summary: "测试用",
          parse: () => ok(null),
          async handle(ctx) {
            await ctx.reply({ kind: "text", text: "试验已完成" });
            await recordAudit(ctx.db, {
              actorId: ctx.member.id,
              action: "flaky",
              entity: "test",
              entityId: ctx.event.eventId,
              at: ctx.now,
            });
            if (state.commandFailures > 0) {
              state.commandFailures--;
              throw new Error("数据库连接中断（模拟）");
            }
          },
        }),
      ],
      actions: {
        "flaky.click": async () => {
          await new Promise((r) => setTimeout(r, state.clickDelayMs));
          if (state.clickFailures > 0) {
            state.clickFailures--;
            throw new Error("写入超时（模拟）");
          }
          return {
            toast: { type: "success", text: "已记录" },
            card: { header: { title: "已记录" }, blocks: [] },
          };
        },
      },
    }),
  };
  return feature;
}

describe.each(databaseTargets)("the durable inbox ($name)", (target) => {
  let b: MemoryBot;
  const state = { commandFailures: 0, clickFailures: 0, clickDelayMs: 0 };
  beforeAll(async () => {
    b = await startMemoryBot(target, { features: [flakyFeature(state)], cardActionBudgetMs: 300 });
  });
  afterAll(async () => {
    await b?.close();
  });

  const audits = (eventId: string) =>
    b.db.db
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.action, "flaky"), eq(schema.auditLog.entityId, eventId)));
  const inboxRow = async (eventId: string) =>
    (await b.db.db.select().from(schema.inboundEvents).where(eq(schema.inboundEvents.eventId, eventId)))[0];
  const replies = async () => (await b.inbox({ chat: "bgs" })).filter((m) => textOf(m) === "试验已完成");
  const later = (ms: number) => {
    b.clock.now = new Date(b.clock.now.getTime() + ms);
    return b.clock.now;
  };

  it("a failing command leaves nothing behind, is retried, and then takes effect once", async () => {
    state.commandFailures = 2;
    await b.say(SECRETARY, "bgs", "试验");
    const id = (
      await b.db.db.select().from(schema.inboundEvents).where(eq(schema.inboundEvents.state, "pending"))
    )[0]?.eventId as string;
    expect(id).toBeDefined();
    // Rolled back with its transaction: no audit entry, no reply queued.
    expect(await audits(id)).toHaveLength(0);
    expect(await replies()).toHaveLength(0);
    expect(await inboxRow(id)).toMatchObject({ state: "pending", attempts: 1 });
    for (let i = 0; i < 3; i++) {
      await b.bot.inbox.drain({ budgetMs: 10_000 });
      later(10 * 60_000);
    }
    await b.settle();
    expect(await inboxRow(id)).toMatchObject({ state: "done", attempts: 3 });
    expect(await audits(id)).toHaveLength(1);
    expect(await replies()).toHaveLength(1);
    // A redelivery of the same event is recognised and not processed again.
    await b.platform.say(
      await b.platformId(SECRETARY),
      { id: await b.chatOf("bgs"), type: "group" },
      "试验",
      {
        eventId: id,
      },
    );
    await b.settle();
    expect(await audits(id)).toHaveLength(1);
  });

  it("after the limit it is parked and visible, the sender is told, and an admin can requeue it", async () => {
    state.commandFailures = 100;
    await b.say(MEMBER, "bgs", "试验");
    const [row] = await b.db.db
      .select()
      .from(schema.inboundEvents)
      .where(eq(schema.inboundEvents.state, "pending"));
    const id = row?.eventId as string;
    for (let i = 0; i < 10; i++) {
      later(3 * 3600_000);
      await b.bot.inbox.drain({ budgetMs: 10_000 });
    }
    await b.settle();
    expect(await inboxRow(id)).toMatchObject({ state: "failed", attempts: 8 });
    expect(textOf((await b.inbox({ chat: "bgs" })).at(-1))).toContain("未能处理成功");

    const lines: string[] = [];
    const io = {
      db: b.db.db,
      out: (l: string) => lines.push(l),
      err: (l: string) => lines.push(l),
      now: b.clock.now,
    };
    expect(await runInbox(["--failed"], io)).toBe(0);
    expect(lines.join("\n")).toContain(id);
    expect(lines.join("\n")).toContain("数据库连接中断（模拟）");

    state.commandFailures = 0;
    expect(await runInbox(["requeue", id], io)).toBe(0);
    await b.bot.inbox.drain();
    await b.settle();
    expect(await inboxRow(id)).toMatchObject({ state: "done" });
    expect(await audits(id)).toHaveLength(1);
  });

  it("an event stored but never processed (a crash after the answer) is processed by the next tick", async () => {
    state.commandFailures = 0;
    const before = (await replies()).length;
    await b.db.db.insert(schema.inboundEvents).values({
      platform: "feishu",
      eventId: "evt_crashed",
      eventType: "message",
      state: "pending",
      payload: {
        type: "message",
        platform: "feishu",
        eventId: "evt_crashed",
        messageId: "evt_crashed",
        chatId: await b.chatOf("bgs"),
        chatType: "group",
        sender: { id: await b.platformId(SECRETARY) },
        text: "试验",
        mentionsBot: true,
      },
      receivedAt: b.clock.now,
      nextAttemptAt: b.clock.now,
    });
    await b.tick(later(60_000));
    expect(await inboxRow("evt_crashed")).toMatchObject({ state: "done" });
    expect((await replies()).length).toBe(before + 1);
  });

  it("a click slower than the platform's wait is stored before “已收到”, and finished by retry when its work fails", async () => {
    const [card] = await Promise.all([
      b.platform.client.send(
        { type: "chat", id: await b.chatOf("bgs") },
        {
          kind: "card",
          card: {
            header: { title: "试验卡片" },
            blocks: [{ type: "buttons", buttons: [{ label: "点我", value: { action: "flaky.click" } }] }],
          },
        },
        { idempotencyKey: "test-card" },
      ),
    ]);
    const message = b.platform.sent.find((m) => m.messageId === card.messageId);
    if (!message) throw new Error("card expected");
    state.clickDelayMs = 600;
    state.clickFailures = 1;
    const answer = await b.click(MEMBER, message, "flaky.click");
    expect(answer.toast).toEqual({ type: "info", text: "已收到，正在处理…" });
    await new Promise((r) => setTimeout(r, 800));
    const [pending] = await b.db.db
      .select()
      .from(schema.inboundEvents)
      .where(
        and(eq(schema.inboundEvents.eventType, "card_action"), eq(schema.inboundEvents.state, "pending")),
      );
    expect(pending).toBeDefined();
    state.clickDelayMs = 0;
    later(20_000);
    await b.bot.inbox.drain();
    await b.settle();
    expect(await inboxRow(pending?.eventId as string)).toMatchObject({ state: "done" });
    expect(textOf(message)).toBe("已记录");
  });
});
