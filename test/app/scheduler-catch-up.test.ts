import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMeetingReminderPlanner } from "../../src/app/meetings/reminder-planner.ts";
import { createRecipients } from "../../src/app/recipients.ts";
import { createScheduler } from "../../src/app/scheduler.ts";
import { loadWorkCalendar } from "../../src/app/work-calendar.ts";
import { enqueue, listByState } from "../../src/db/queries/outbox.ts";
import { branchChats, branches, meetings, organisations } from "../../src/db/schema.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { databaseTargets, type TestDatabase } from "../support/databases.ts";
import { createFakePlatform } from "../support/fake-platform.ts";
import { fanout } from "../support/outbox.ts";
import { withClient } from "../support/platforms.ts";

const H = 3600_000;

describe.each(databaseTargets)("catch-up after downtime on $name", (target) => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await target.create();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("after a 6-hour gap sends what is still useful, skips stale reminders with a reason, never twice", async () => {
    const db = handle.db;
    const t0 = Date.now();
    let offset = 0;
    const clock = () => new Date(Date.now() + offset);

    const [org] = await db.insert(organisations).values({ code: "test", name: "测试机关" }).returning();
    const [branch] = await db
      .insert(branches)
      .values({ orgId: org!.id, code: "b1", name: "第一党支部" })
      .returning();
    await db.insert(branchChats).values({ branchId: branch!.id, platform: "feishu", chatId: "oc_b1" });
    const meeting = async (title: string, startsIn: number) => {
      const [m] = await db
        .insert(meetings)
        .values({
          orgId: org!.id,
          branchId: branch!.id,
          kind: "committee",
          title,
          startsAt: new Date(t0 + startsIn),
          endsAt: new Date(t0 + startsIn + 1.5 * H),
          // Scheduled well before the outage: its reminders existed, so the missed ones are caught up.
          createdAt: new Date(t0 - 7 * 24 * H),
        })
        .returning();
      return m!;
    };
    const m1 = await meeting("M1", 2 * H); // starts during the outage
    const m2 = await meeting("M2", 7 * H); // starts after it
    const m3 = await meeting("M3", 10 * 60_000); // cancelled during the outage
    const names = new Map([m1, m2, m3].map((m) => [`meeting:${m.id}`, m.title]));
    const label = (key: string) => {
      const [, subject, , slot] = key.split("|");
      return `${names.get(subject ?? "") ?? subject}${slot?.split("@")[0]?.replace("T-", " ")}`;
    };

    // Rows queued before the outage: one useless after half an hour, one (a monthly nudge) always useful.
    const [shortLived, durable] = fanout(2, 2, new Date(t0 + 5 * 60_000));
    await enqueue(
      db,
      [
        { ...shortLived!, subject: "S", expiresAt: new Date(t0 + 30 * 60_000), expiryReason: "半小时内有效" },
        { ...durable!, subject: "D", dueAt: new Date(t0 + H) },
      ],
      new Date(t0),
    );

    const fake = createFakePlatform();
    const scheduler = createScheduler({
      db,
      platforms: withClient(fake.client),
      planners: [
        createMeetingReminderPlanner({
          recipients: createRecipients([{ name: "feishu", identityKind: "open_id" }]),
          leadMinutes: [1440, 60, 0],
        }),
      ],
      timeZone: "Asia/Shanghai",
      settings: {
        appRatePerSecond: 40,
        targetIntervalMs: 1100,
        maxAttempts: 8,
        leaseMs: 60_000,
        meetingLeadMinutes: [1440, 60, 0],
        meetingDayBeforeAt: undefined,
        workdayTime: "09:00",
      },
      loadCalendar: loadWorkCalendar,
      logger: silentLogger,
      clock,
    });

    // t0: the day-before reminders of M1 and M2 are due, and M3's 1-hour one (M3's day-before is
    // already superseded by it). M3's "starting now" is planned (inside the horizon) but not due.
    const first = await scheduler.tick();
    expect(fake.delivered.map((d) => label(d.key)).sort()).toEqual(["M1 1440m", "M2 1440m", "M3 60m"]);
    expect(first.expired).toBe(1);

    // The outage: M3 is cancelled and no instance ticks for six hours.
    await db.update(meetings).set({ state: "cancelled" }).where(eq(meetings.id, m3.id));
    offset = 6 * H;
    fake.delivered.length = 0;
    await scheduler.tick();
    expect(
      fake.delivered.map((d) => (d.key === durable!.idempotencyKey ? "durable" : label(d.key))).sort(),
    ).toEqual(["M2 60m", "durable"]);
    const skipped = new Map(
      (await listByState(db, "skipped")).map((r) => [
        r.subject === "S" ? "short-lived" : label(r.idempotencyKey),
        r.skipReason,
      ]),
    );
    expect(skipped.get("short-lived")).toMatch(/^半小时内有效（到期 .* UTC，失效 .* UTC）$/);
    expect(skipped.get("M1 60m")).toMatch(/^会议已开始，提前 60 分钟的提醒不再有用/);
    expect(skipped.get("M1 0m")).toMatch(/^会议开始已超过 15 分钟，不再提醒/);
    expect(skipped.get("M3 0m")).toBe("会议已取消或已结束");
    expect(skipped.get("M3 1440m")).toMatch(/^已到提前 60 分钟提醒的时间/);

    // Later ticks find nothing new to send: every reminder went out at most once.
    fake.delivered.length = 0;
    await scheduler.tick();
    offset = 6 * H + 5 * 60_000;
    await scheduler.tick();
    expect(fake.delivered).toEqual([]);
    expect(fake.resent).toBe(0);
    const sent = await listByState(db, "sent");
    expect(sent.map((r) => (r.subject === "D" ? "durable" : label(r.idempotencyKey))).sort()).toEqual(
      ["M1 1440m", "M2 1440m", "M2 60m", "M3 60m", "durable"].sort(),
    );
  });
});
