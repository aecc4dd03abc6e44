import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createScheduler } from "../../src/app/scheduler.ts";
import { loadWorkCalendar } from "../../src/app/work-calendar.ts";
import type { SchedulerConfig } from "../../src/config.ts";
import { enqueue, listByState } from "../../src/db/queries/outbox.ts";
import { idempotencyKey, type PlannedMessage } from "../../src/domain/reminders.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { createFeishuClient } from "../../src/platforms/feishu/client.ts";
import { type FakeFeishuOpenApi, startFakeFeishuOpenApi } from "../fakes/feishu-openapi.ts";
import { databaseTargets, type TestDatabase } from "../support/databases.ts";
import { feishuOnly } from "../support/platforms.ts";

/**
 * A Feishu call that hangs, against the real scheduler, the real Feishu client (with its call timeout)
 * and the fake OpenAPI: the hung send is given up after the timeout and retried later, other chats'
 * messages go out meanwhile, and the tick ends no later than its budget plus one call timeout.
 */

const settings: SchedulerConfig = {
  appRatePerSecond: 40,
  targetIntervalMs: 1100,
  maxAttempts: 8,
  leaseMs: 120_000,
  meetingLeadMinutes: [60],
  meetingDayBeforeAt: undefined,
  workdayTime: "09:00",
};

function toChat(chatId: string, n: number, dueAt: Date): PlannedMessage {
  const target = { type: "chat" as const, id: chatId };
  const subject = `timeout-test:${chatId}:${n}`;
  return {
    idempotencyKey: idempotencyKey({ kind: "test.timeout", subject, platform: "feishu", target, slot: "s" }),
    kind: "test.timeout",
    subject,
    platform: "feishu",
    target,
    message: { kind: "text", text: `提醒 ${chatId} ${n}` },
    dueAt,
  };
}

describe.each(databaseTargets)("scheduler and a hung Feishu call on $name", (target) => {
  let t: TestDatabase;
  let fake: FakeFeishuOpenApi;
  beforeAll(async () => {
    t = await target.create();
    fake = await startFakeFeishuOpenApi();
  });
  afterAll(async () => {
    await fake?.close();
    await t?.close();
  });
  afterEach(async () => {
    fake.reset();
    await t.db.execute("delete from outbox");
  });

  function scheduler(callTimeoutMs: number) {
    const config = fake.config();
    return createScheduler({
      db: t.db,
      platforms: feishuOnly(config, createFeishuClient(config, { callTimeoutMs })),
      planners: [],
      timeZone: "Asia/Shanghai",
      settings,
      loadCalendar: loadWorkCalendar,
      logger: silentLogger,
    });
  }

  it("gives the hung send up after the call timeout as retryable; another chat's message goes out on time", async () => {
    const callTimeoutMs = 2000;
    const now = new Date();
    await enqueue(t.db, [toChat("oc_hangs", 1, now), toChat("oc_fine", 1, now)], now);
    fake.failNext(1, { type: "hang" }, { receiveId: "oc_hangs" });

    const started = Date.now();
    const report = await scheduler(callTimeoutMs).tick({ budgetMs: 500 });
    const elapsed = Date.now() - started;

    // The other chat's message did not wait for the hung call.
    const [fine] = fake.messagesTo("oc_fine");
    expect(fine).toBeDefined();
    expect(fine!.at - started).toBeLessThan(callTimeoutMs);
    // The hung one was given up, not left hanging, and is back in the queue to be retried with backoff.
    expect(report).toMatchObject({ sent: 1, retried: 1, failed: 0 });
    expect(fake.messagesTo("oc_hangs")).toHaveLength(0);
    const [pending] = await listByState(t.db, "pending");
    expect(pending).toMatchObject({ target: { id: "oc_hangs" }, attempts: 1 });
    expect(pending!.lastError).toContain("无响应");
    expect(pending!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    // The tick waited for the call it had started, but no longer than the call's timeout.
    expect(elapsed).toBeGreaterThanOrEqual(callTimeoutMs - 100);
    expect(elapsed).toBeLessThan(500 + callTimeoutMs + 2500);
  });

  it("a call started just before the deadline holds the tick past its budget by at most one call timeout", async () => {
    const callTimeoutMs = 1500;
    const budgetMs = 1000;
    const now = new Date();
    // One send hangs at once; another row becomes due just before the budget runs out, and hangs too.
    await enqueue(
      t.db,
      [toChat("oc_first", 1, now), toChat("oc_late", 1, new Date(now.getTime() + 800))],
      now,
    );
    fake.failNext(2, { type: "hang" });

    const started = Date.now();
    const report = await scheduler(callTimeoutMs).tick({ budgetMs });
    const elapsed = Date.now() - started;

    expect(report).toMatchObject({ sent: 0, retried: 2 });
    // The late call was started inside the budget and waited for, up to its timeout…
    expect(elapsed).toBeGreaterThanOrEqual(800 + callTimeoutMs - 100);
    // …and no longer: budget + one call timeout, plus putting the row back on a busy machine.
    expect(elapsed).toBeLessThan(budgetMs + callTimeoutMs + 2500);
    for (let i = 0; i < 100 && fake.hanging > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(fake.hanging).toBe(0);
  });

  /**
   * Known gap, left for src/app/scheduler.ts (not changed here): a tick claims up to 4 × concurrency rows
   * ahead, and its workers keep sending rows already claimed after the budget is spent — only claiming
   * stops. When every call hangs, each worker goes through its share of the claimed rows one timeout
   * after another: 40 rows on 12 workers is 4 timeouts (≈ 4 × 10 s in production), not one. The fix: a
   * worker takes no queued row once the deadline has passed, and the tick hands the rows it claimed but
   * did not send back (clear their lease, attempt not counted) instead of leaving them leased for
   * OUTBOX_LEASE_SECONDS. Remove `.fails` once that is done.
   */
  it.fails("KNOWN GAP: with more rows claimed than workers, hung calls overrun the budget by several timeouts", async () => {
    const callTimeoutMs = 1500;
    const budgetMs = 1000;
    const now = new Date();
    await enqueue(
      t.db,
      Array.from({ length: 40 }, (_, i) => toChat(`oc_chat_${i}`, i, now)),
      now,
    );
    fake.failNext(40, { type: "hang" });

    const started = Date.now();
    await scheduler(callTimeoutMs).tick({ budgetMs });
    expect(Date.now() - started).toBeLessThan(budgetMs + callTimeoutMs + 2500);
  });
});
