/**
 * Private messages in batches: rows with one kind and text for many people on a platform that can send
 * them in one call (DingTalk's batchSend, 20 people a call) go out together, through the real DingTalk
 * client to the fake DingTalk OpenAPI, and every row is settled on its own person's outcome.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ABSENTEE_REMINDER_KIND } from "../../src/app/meetings/close-meeting.ts";
import { createScheduler } from "../../src/app/scheduler.ts";
import { loadWorkCalendar } from "../../src/app/work-calendar.ts";
import type { SchedulerConfig } from "../../src/config.ts";
import { enqueue, listByState } from "../../src/db/queries/outbox.ts";
import { idempotencyKey, type PlannedMessage } from "../../src/domain/reminders.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { BATCH_MAX } from "../../src/platforms/dingtalk/client.ts";
import { type FakeDingTalkOpenApi, startFakeDingTalkOpenApi } from "../fakes/dingtalk-openapi.ts";
import { databaseTargets, type TestDatabase } from "../support/databases.ts";
import { movableClock } from "../support/movable-clock.ts";
import { dingtalkOnly } from "../support/platforms.ts";

const settings: SchedulerConfig = {
  appRatePerSecond: undefined,
  targetIntervalMs: undefined,
  maxAttempts: 8,
  leaseMs: 120_000,
  meetingLeadMinutes: [60],
  meetingDayBeforeAt: undefined,
  workdayTime: "09:00",
};

const staff = (n: number, prefix = "staff") =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, "0")}`);

/** One row per person with the same text, as 一键提醒 queues them. */
function reminders(
  users: string[],
  text: string,
  dueAt: Date,
  kind = ABSENTEE_REMINDER_KIND,
): PlannedMessage[] {
  return users.map((id) => {
    const target = { type: "user" as const, id };
    return {
      idempotencyKey: idempotencyKey({
        kind,
        subject: `t:${text}`,
        platform: "dingtalk",
        target,
        slot: "remind",
      }),
      kind,
      subject: `t:${text}`,
      platform: "dingtalk",
      target,
      message: { kind: "text", text },
      dueAt,
    };
  });
}

const sorted = (xs: string[]) => [...xs].sort();

describe.each(databaseTargets)(
  "private messages in batches on DingTalk, $name",
  { timeout: 180_000 },
  (target) => {
    let handle: TestDatabase;
    let fake: FakeDingTalkOpenApi;
    beforeAll(async () => {
      fake = await startFakeDingTalkOpenApi();
    });
    afterAll(async () => {
      await fake?.close();
    });
    beforeEach(async (ctx) => {
      fake.reset();
      handle = await target.create();
      ctx.onTestFinished(() => handle.close());
    });

    function scheduler() {
      const time = movableClock(new Date("2026-11-25T08:40:00Z"));
      const s = createScheduler({
        db: handle.db,
        // A loaded machine can stall the event loop for seconds: a timed-out call would be a retry, not a test of batching.
        platforms: dingtalkOnly(fake.config(), { now: time.read, timeoutMs: 60_000 }),
        planners: [],
        timeZone: "Asia/Shanghai",
        settings,
        loadCalendar: loadWorkCalendar,
        logger: silentLogger,
        clock: time.read,
        sleep: time.sleep,
        random: () => 0,
      });
      return { s, time };
    }

    /** Everyone the fake delivered a private message to, with how many times. */
    const receivedCounts = () => {
      const counts = new Map<string, number>();
      for (const d of fake.deliveries.filter((d) => d.kind === "oto"))
        counts.set(d.target, (counts.get(d.target) ?? 0) + 1);
      return counts;
    };

    it("45 absentees reminded: ceil(45/20) = 3 batchSend calls, each person once; another text goes in its own call", async () => {
      const { s, time } = scheduler();
      const absentees = staff(45);
      const others = staff(5, "other");
      await enqueue(
        handle.db,
        reminders(absentees, "请尽快说明情况并补学会议内容。", time.clock.now),
        time.clock.now,
      );
      await enqueue(handle.db, reminders(others, "另一条提醒", time.clock.now), time.clock.now);

      const report = await s.tick();

      const calls = fake.callsTo("/v1.0/robot/oToMessages/batchSend");
      expect(calls).toHaveLength(Math.ceil(45 / BATCH_MAX) + 1);
      expect(report.batchCalls).toBe(4);
      for (const b of fake.batchSends) expect(b.userIds.length).toBeLessThanOrEqual(BATCH_MAX);
      const sends = calls.map((c) => {
        const body = c.body as { userIds: string[]; msgParam: string };
        return { users: body.userIds, text: JSON.parse(body.msgParam).content as string };
      });
      const reminded = sends.filter((x) => x.text === "请尽快说明情况并补学会议内容。");
      expect(reminded).toHaveLength(3);
      expect(sorted(reminded.flatMap((x) => x.users))).toEqual(absentees);
      expect(sends.filter((x) => x.text === "另一条提醒").map((x) => sorted(x.users))).toEqual([others]);

      const counts = receivedCounts();
      expect(counts.size).toBe(50);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      const sent = await listByState(handle.db, "sent");
      expect(sent).toHaveLength(50);
      expect(report.sent).toBe(50);
      // Each row keeps its call's processQueryKey.
      const keys = new Set(fake.otoMessages.map((m) => m.processQueryKey));
      expect(sent.every((r) => keys.has(r.messageId ?? ""))).toBe(true);
    });

    it("a partial failure: the invalid person fails alone, the throttled ones alone are retried, in one later call", async () => {
      const { s, time } = scheduler();
      const users = staff(30);
      fake.invalidUsers.add("staff005");
      fake.flowControlledUsers.add("staff007");
      fake.flowControlledUsers.add("staff023");
      const start = time.clock.now;
      await enqueue(handle.db, reminders(users, "缺席提醒", start), start);

      const first = await s.tick();
      expect(
        fake.batchSends.map((b) => b.userIds.length).sort((x, y) => x - y),
        JSON.stringify({
          first,
          calls: fake.calls.map((c) => [c.path, c.status]),
          pending: (await listByState(handle.db, "pending")).slice(0, 2),
        }),
      ).toEqual([10, 20]);
      expect(first).toMatchObject({ sent: 27, failed: 1, retried: 2, batchCalls: 2 });
      const [failed] = await listByState(handle.db, "failed");
      expect(failed?.target.id).toBe("staff005");
      expect(failed?.lastError).toContain("无效");
      const pending = await listByState(handle.db, "pending");
      expect(sorted(pending.map((r) => r.target.id))).toEqual(["staff007", "staff023"]);
      for (const row of pending) {
        // Throttling is not a failed attempt, and waits DingTalk's minute for these two only.
        expect(row.attempts).toBe(0);
        expect(row.nextAttemptAt.getTime() - start.getTime()).toBeGreaterThanOrEqual(60_000);
      }

      fake.flowControlledUsers.clear();
      fake.clearRecords();
      time.clock.now = new Date(start.getTime() + 61_000);
      const second = await s.tick();
      expect(fake.batchSends.map((b) => sorted(b.userIds))).toEqual([["staff007", "staff023"]]);
      expect(second).toMatchObject({ sent: 2, failed: 0, retried: 0, batchCalls: 1 });
      expect(await listByState(handle.db, "pending")).toEqual([]);
      expect(await listByState(handle.db, "sent")).toHaveLength(29);
    });

    it("a call that fails as a whole retries its own rows only; the other calls' people are not sent to twice", async () => {
      const { s, time } = scheduler();
      const users = staff(50);
      const start = time.clock.now;
      await enqueue(handle.db, reminders(users, "会议提醒", start), start);
      // The second of three calls answers 500.
      fake.failNext(1, { type: "server_error" }, "/v1.0/robot/oToMessages/batchSend", 1);

      const first = await s.tick();
      // The three calls go out side by side: whichever reaches the fake second fails.
      const calls = fake.callsTo("/v1.0/robot/oToMessages/batchSend");
      expect(calls.map((c) => c.status)).toEqual([200, 500, 200]);
      const lost = sorted((calls[1]?.body as { userIds?: string[] } | undefined)?.userIds ?? []);
      expect(first).toMatchObject({ sent: 50 - lost.length, retried: lost.length, batchCalls: 2 });
      const pending = await listByState(handle.db, "pending");
      expect(sorted(pending.map((r) => r.target.id))).toEqual(lost);
      expect(pending.every((r) => r.attempts === 1 && r.lastError?.includes("HTTP 500"))).toBe(true);

      time.clock.now = new Date(start.getTime() + 5 * 60_000);
      await s.tick();
      const later = fake.batchSends.slice(2);
      expect(later.map((b) => sorted(b.userIds))).toEqual([lost]);
      const counts = receivedCounts();
      expect(sorted([...counts.keys()])).toEqual(users);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(await listByState(handle.db, "sent")).toHaveLength(50);
    });

    it("one person's two different messages go in two calls, the second after their interval", async () => {
      const { s, time } = scheduler();
      const now = time.clock.now;
      const a = reminders(["staff001", "staff002"], "同一条", now);
      const second = reminders(["staff001"], "第二条", now, "meeting.other");
      await enqueue(handle.db, [...a, ...second], now);
      await s.tick();
      // Two calls: the pair together, then staff001's other message 3 s later (DingTalk's interval).
      expect(fake.batchSends.map((b) => sorted(b.userIds))).toEqual([["staff001", "staff002"], ["staff001"]]);
      expect(await listByState(handle.db, "sent")).toHaveLength(3);
    });
  },
);
