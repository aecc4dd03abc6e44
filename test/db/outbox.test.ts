import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createScheduler, type ReminderPlanner, type SchedulerDeps } from "../../src/app/scheduler.ts";
import { loadWorkCalendar } from "../../src/app/work-calendar.ts";
import type { SchedulerConfig } from "../../src/config.ts";
import { addLocalDayOff } from "../../src/db/queries/calendar.ts";
import {
  claimDue,
  countByState,
  enqueue,
  getRow,
  listByState,
  markFailed,
  markSent,
  requeue,
  reserveSlot,
  retryLater,
  skipExpired,
  tryTakeSlot,
  withdraw,
} from "../../src/db/queries/outbox.ts";
import { zonedInstant } from "../../src/domain/time.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { PlatformSendError } from "../../src/platforms/types.ts";
import { databaseTargets, type TestDatabase } from "../support/databases.ts";
import { createFakePlatform, permanent, transient } from "../support/fake-platform.ts";
import { fanout } from "../support/outbox.ts";
import { withClient } from "../support/platforms.ts";

const settings: SchedulerConfig = {
  appRatePerSecond: 40,
  targetIntervalMs: 1100,
  maxAttempts: 3,
  leaseMs: 60_000,
  meetingLeadMinutes: [1440, 60, 0],
  meetingDayBeforeAt: undefined,
  workdayTime: "09:00",
};

describe.each(databaseTargets)("outbox on $name", (target) => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await target.create();
  });
  afterAll(async () => {
    await handle?.close();
  });
  beforeEach(async () => {
    await handle.db.execute(sql`truncate outbox, send_rate_slots, local_days_off`);
  });

  const scheduler = (fake: ReturnType<typeof createFakePlatform>, over: Partial<SchedulerDeps> = {}) =>
    createScheduler({
      db: handle.db,
      platforms: withClient(fake.client),
      planners: [],
      timeZone: "Asia/Shanghai",
      settings,
      loadCalendar: loadWorkCalendar,
      logger: silentLogger,
      ...over,
    });

  it("enqueues each idempotency key once, however often it is planned", async () => {
    const now = new Date();
    const messages = fanout(5, 5, now);
    expect(await enqueue(handle.db, messages, now)).toBe(5);
    expect(await enqueue(handle.db, [...messages, ...fanout(6, 5, now).slice(5)], now)).toBe(1);
    expect((await countByState(handle.db)).pending).toBe(6);
  });

  it("claims due rows atomically: one per chat, none twice while leased, all again once the lease ends", async () => {
    const now = new Date("2026-11-23T02:00:00Z");
    await enqueue(handle.db, fanout(6, 2, now), now); // three rows each for two chats
    await enqueue(
      handle.db,
      fanout(1, 1, new Date(now.getTime() + 60_000)).map((m) => ({ ...m, idempotencyKey: "later" })),
      now,
    );
    const opts = { now, limit: 10, leaseMs: 30_000, platforms: ["feishu" as const] };
    const first = await claimDue(handle.db, { ...opts, token: "a" });
    expect(first.map((r) => r.target.id).sort()).toEqual(["oc_chat_0000", "oc_chat_0001"]);
    expect(first.every((r) => r.attempts === 1 && r.claimToken === "a")).toBe(true);
    // Both chats have a send in flight: nothing more for them until those settle.
    expect(await claimDue(handle.db, { ...opts, token: "b" })).toEqual([]);
    // The holder died; after its lease the same rows are claimable again, and the old token is fenced off.
    const later = new Date(now.getTime() + 30_001);
    const again = await claimDue(handle.db, { ...opts, now: later, token: "c" });
    expect(again.map((r) => r.id).sort()).toEqual(first.map((r) => r.id).sort());
    const [row] = first;
    expect(await markSent(handle.db, { id: row!.id, claimToken: "a" }, "om_x", later)).toBe(false);
    expect(await markSent(handle.db, { id: row!.id, claimToken: "c" }, "om_x", later)).toBe(true);
    expect(await getRow(handle.db, row!.id)).toMatchObject({
      state: "sent",
      messageId: "om_x",
      lockedUntil: null,
    });
  });

  it("retries, parks after failures, lists parked rows and requeues them", async () => {
    const now = new Date("2026-11-23T02:00:00Z");
    await enqueue(handle.db, fanout(2, 2, now), now);
    const [a, b] = await claimDue(handle.db, {
      now,
      limit: 10,
      leaseMs: 30_000,
      token: "t",
      platforms: ["feishu"],
    });
    const next = new Date(now.getTime() + 5000);
    expect(
      await retryLater(
        handle.db,
        { id: a!.id, claimToken: "t" },
        { nextAttemptAt: next, error: "HTTP 502", now },
      ),
    ).toBe(true);
    expect(await markFailed(handle.db, { id: b!.id, claimToken: "t" }, "bot not in chat", now)).toBe(true);
    expect(await getRow(handle.db, a!.id)).toMatchObject({
      state: "pending",
      attempts: 1,
      lastError: "HTTP 502",
      nextAttemptAt: next,
    });
    expect(
      await claimDue(handle.db, { now, limit: 10, leaseMs: 30_000, token: "u", platforms: ["feishu"] }),
    ).toEqual([]);
    const failed = await listByState(handle.db, "failed");
    expect(failed.map((r) => [r.id, r.lastError])).toEqual([[b!.id, "bot not in chat"]]);
    expect(await requeue(handle.db, { id: a!.id }, now)).toEqual([]); // only failed rows are requeued
    expect(await requeue(handle.db, "all-failed", now)).toEqual([b!.id]);
    expect(await getRow(handle.db, b!.id)).toMatchObject({ state: "pending", attempts: 0 });
  });

  it("skips expired rows with their reason, and withdraws rows a planner no longer wants", async () => {
    const now = new Date("2026-11-23T02:00:00Z");
    const [stale, fresh, other] = fanout(3, 3, new Date(now.getTime() - 3600_000));
    await enqueue(
      handle.db,
      [
        { ...stale!, expiresAt: now, expiryReason: "会议已开始" },
        { ...fresh!, expiresAt: new Date(now.getTime() + 1) },
        { ...other!, subject: "meeting:x" },
      ],
      now,
    );
    const skipped = await skipExpired(handle.db, now);
    expect(skipped.map((r) => r.idempotencyKey)).toEqual([stale!.idempotencyKey]);
    expect(skipped[0]?.skipReason).toBe("会议已开始（到期 2026-11-23 01:00 UTC，失效 2026-11-23 02:00 UTC）");
    expect(
      await withdraw(
        handle.db,
        { subjects: ["meeting:x"], keep: [other!.idempotencyKey], reason: "改期" },
        now,
      ),
    ).toBe(0);
    expect(await withdraw(handle.db, { subjects: ["meeting:x"], keep: [], reason: "会议已取消" }, now)).toBe(
      1,
    );
    expect((await listByState(handle.db, "skipped")).map((r) => r.skipReason).sort()).toEqual(
      [skipped[0]?.skipReason, "会议已取消"].sort(),
    );
  });

  it("reserves consecutive app slots and one slot per chat interval, shared through the table", async () => {
    const now = new Date("2026-11-23T02:00:00.000Z");
    const slots = [];
    for (let i = 0; i < 3; i++)
      slots.push((await reserveSlot(handle.db, "app:feishu", 25, now)).toISOString());
    expect(slots).toEqual([
      "2026-11-23T02:00:00.000Z",
      "2026-11-23T02:00:00.025Z",
      "2026-11-23T02:00:00.050Z",
    ]);
    expect(await tryTakeSlot(handle.db, "target:x", 1100, now)).toBe(true);
    expect(await tryTakeSlot(handle.db, "target:x", 1100, new Date(now.getTime() + 1099))).toBe(false);
    expect(await tryTakeSlot(handle.db, "target:x", 1100, new Date(now.getTime() + 1100))).toBe(true);
  });

  it("a tick sends due rows once, records message ids, and leaves future rows alone", async () => {
    const fake = createFakePlatform();
    const now = new Date();
    await enqueue(handle.db, fanout(4, 4, now), now);
    await enqueue(handle.db, fanout(5, 5, new Date(now.getTime() + 3600_000)).slice(4), now);
    const report = await scheduler(fake).tick();
    expect(report.sent).toBe(4);
    expect(fake.delivered.map((d) => d.target.id).sort()).toEqual([
      "oc_chat_0000",
      "oc_chat_0001",
      "oc_chat_0002",
      "oc_chat_0003",
    ]);
    expect((await scheduler(fake).tick()).sent).toBe(0);
    expect(await countByState(handle.db)).toMatchObject({ sent: 4, pending: 1 });
    expect((await listByState(handle.db, "sent")).every((r) => r.messageId?.startsWith("om_"))).toBe(true);
  });

  it("retries transient failures with backoff, parks them after the limit, parks permanent ones at once", async () => {
    const fake = createFakePlatform();
    let offset = 0;
    const clock = () => new Date(Date.now() + offset);
    const now = clock();
    const [flaky, broken] = fanout(2, 2, now);
    await enqueue(handle.db, [flaky!, broken!], now);
    fake.fail((key) => (key === flaky!.idempotencyKey ? transient() : undefined));
    fake.fail((key) => (key === broken!.idempotencyKey ? permanent() : undefined));
    const s = scheduler(fake, { clock, random: () => 0 });
    expect(await s.tick()).toMatchObject({ retried: 1, failed: 1 });
    const afterFirst = await listByState(handle.db, "pending");
    expect(afterFirst[0]?.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(now.getTime() + 15_000);
    offset += 16_000;
    expect(await s.tick()).toMatchObject({ retried: 1 });
    offset += 3600_000;
    expect(await s.tick()).toMatchObject({ failed: 1 });
    const failed = await listByState(handle.db, "failed");
    expect(failed.map((r) => [r.idempotencyKey, r.attempts]).sort()).toEqual(
      [
        [broken!.idempotencyKey, 1],
        [flaky!.idempotencyKey, 3],
      ].sort(),
    );
    expect(failed.find((r) => r.idempotencyKey === flaky!.idempotencyKey)?.lastError).toContain(
      "第 3 次发送失败：飞书发送消息失败（HTTP 502）",
    );
    // Fixed (bot added back to the chat): an admin requeues, and the next tick delivers both.
    fake.clearFaults();
    await requeue(handle.db, "all-failed", clock());
    expect(await s.tick()).toMatchObject({ sent: 2 });
    expect(fake.delivered).toHaveLength(2);
  });

  it("honours a 429's retry-after without counting it as a failed attempt", async () => {
    const fake = createFakePlatform();
    const now = new Date();
    const [m] = fanout(1, 1, now);
    await enqueue(handle.db, [m!], now);
    fake.fail(
      () => new PlatformSendError("限流", true, { status: 429, code: 99991400, retryAfterMs: 30_000 }),
    );
    expect(await scheduler(fake).tick()).toMatchObject({ retried: 1, sent: 0 });
    const [row] = await listByState(handle.db, "pending");
    expect(row?.attempts).toBe(0);
    expect(row?.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(now.getTime() + 29_000);
  });

  it("a scheduler that dies after claiming loses nothing: another sends the rows once its lease ends", async () => {
    const fake = createFakePlatform();
    let offset = 0;
    const clock = () => new Date(Date.now() + offset);
    await enqueue(handle.db, fanout(20, 20, clock()), clock());
    let claimed = 0;
    const dying = scheduler(fake, {
      clock,
      concurrency: 4,
      afterClaim: (rows) => {
        claimed += rows.length;
        throw new Error("killed after claiming, before sending or marking");
      },
    });
    await expect(dying.tick()).rejects.toThrow("killed");
    expect(claimed).toBe(16); // one batch: four per sender
    const healthy = scheduler(fake, { clock });
    // The claimed rows are still leased: only the four nobody claimed go out now.
    expect((await healthy.tick()).sent).toBe(4);
    offset += settings.leaseMs + 1000;
    expect((await healthy.tick()).sent).toBe(16);
    expect(fake.delivered).toHaveLength(20);
    expect(new Set(fake.delivered.map((d) => d.key)).size).toBe(20);
    expect(fake.resent).toBe(0);
  });

  it("a scheduler that dies between sending and marking double-posts nothing: the platform dedups the re-send", async () => {
    const fake = createFakePlatform();
    let offset = 0;
    const clock = () => new Date(Date.now() + offset);
    const planned = fanout(30, 30, clock());
    await enqueue(handle.db, planned, clock());
    // The dying instance's sends reach the platform, then its process "stops": no answer, no mark.
    let posted = 0;
    const dyingClient = {
      ...fake.client,
      async send(...args: Parameters<typeof fake.client.send>) {
        await fake.client.send(...args);
        posted++;
        return new Promise<never>(() => {});
      },
    };
    void scheduler(fake, { clock, concurrency: 4, platforms: withClient(dyingClient) }).tick();
    while (posted < 4) await new Promise((r) => setTimeout(r, 20));
    expect(await countByState(handle.db)).toMatchObject({ sent: 0, pending: 30 });

    offset += settings.leaseMs + 1000;
    const report = await scheduler(fake, { clock }).tick();
    expect(report.sent).toBe(30);
    expect(fake.delivered).toHaveLength(30);
    expect(new Set(fake.delivered.map((d) => d.key))).toEqual(new Set(planned.map((m) => m.idempotencyKey)));
    expect(fake.resent).toBe(posted);
  });

  it("moves workdays-only reminders off the 国庆 week and off an admin's local day off", async () => {
    await addLocalDayOff(handle.db, "2026-12-31", "市里统一放假", "test");
    const [holiday, localOff, meeting] = fanout(3, 3, new Date(0));
    const planner: ReminderPlanner = {
      name: "test",
      async plan() {
        return {
          messages: [
            { ...holiday!, dueAt: zonedInstant("2026-10-03", "10:00", "Asia/Shanghai"), workdaysOnly: true },
            { ...localOff!, dueAt: zonedInstant("2026-12-31", "10:00", "Asia/Shanghai"), workdaysOnly: true },
            // Time-critical (a meeting on the make-up Saturday) stays put.
            { ...meeting!, dueAt: zonedInstant("2026-10-04", "10:00", "Asia/Shanghai") },
          ],
          withdrawals: [],
        };
      },
    };
    const fake = createFakePlatform();
    await scheduler(fake, { planners: [planner], clock: () => new Date("2026-09-30T00:00:00Z") }).tick({
      budgetMs: 0,
    });
    const rows = new Map(
      (await listByState(handle.db, "pending")).map((r) => [r.idempotencyKey, r.dueAt.toISOString()]),
    );
    expect(rows.get(holiday!.idempotencyKey)).toBe("2026-10-08T01:00:00.000Z");
    expect(rows.get(localOff!.idempotencyKey)).toBe("2027-01-04T01:00:00.000Z");
    expect(rows.get(meeting!.idempotencyKey)).toBe("2026-10-04T02:00:00.000Z");
  });
});
