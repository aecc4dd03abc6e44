import { describe, expect, it } from "vitest";
import { meetingName } from "../../src/domain/labels.ts";
import {
  type MeetingForReminder,
  planMeetingReminders,
  reminderPromise,
} from "../../src/domain/meeting-reminders.ts";

const start = new Date("2026-11-24T06:30:00Z"); // 14:30 Beijing
const meeting = (over: Partial<MeetingForReminder> = {}): MeetingForReminder => ({
  id: "m1",
  kind: "committee",
  title: "十一月支委会",
  startsAt: start,
  endsAt: new Date(start.getTime() + 90 * 60_000),
  state: "scheduled",
  place: "三楼会议室",
  targets: [{ platform: "feishu", target: { type: "chat", id: "oc_branch" } }],
  ...over,
});
const plan = (now: Date, meetings = [meeting()]) =>
  planMeetingReminders({
    meetings,
    leadMinutes: [1440, 60, 0],
    now,
    horizonMs: 15 * 60_000,
    timeZone: "Asia/Shanghai",
  });

describe("meeting reminder planner", () => {
  it("does not remind a 党组会 attendee who is away (外出) on the meeting's day, and withdraws his rows", () => {
    const at = new Date(start.getTime() - 60 * 60_000 - 5 * 60_000);
    const organ = meeting({
      kind: "leading_group",
      targets: [
        { platform: "feishu", target: { type: "user", id: "ou_a" }, memberId: "a" },
        { platform: "feishu", target: { type: "user", id: "ou_b" }, memberId: "b" },
      ],
    });
    const away = [{ memberId: "b", from: "2026-11-23", to: "2026-11-24", reason: "出差" }];
    const result = planMeetingReminders({
      meetings: [organ],
      leadMinutes: [60],
      now: at,
      horizonMs: 15 * 60_000,
      timeZone: "Asia/Shanghai",
      leave: away,
    });
    expect(result.messages.map((m) => m.target.id)).toEqual(["ou_a"]);
    const bKey = "meeting.reminder|meeting:m1|feishu:user:ou_b|T-60m@2026-11-24T06:30:00.000Z";
    const aKey = "meeting.reminder|meeting:m1|feishu:user:ou_a|T-60m@2026-11-24T06:30:00.000Z";
    expect(result.withdrawals).toEqual([
      { subjects: ["meeting:m1"], keep: [aKey, bKey], reason: "会议时间已调整，旧提醒作废" },
      { subjects: ["meeting:m1"], keep: [aKey], reason: "参会人员外出，不再提醒" },
    ]);
    // Back the day before: reminded as usual.
    const back = planMeetingReminders({
      meetings: [organ],
      leadMinutes: [60],
      now: at,
      horizonMs: 15 * 60_000,
      timeZone: "Asia/Shanghai",
      leave: [{ ...away[0], to: "2026-11-23" } as (typeof away)[number]],
    });
    expect(back.messages.map((m) => m.target.id)).toEqual(["ou_a", "ou_b"]);
  });

  it("names the pending 第一议题 items, oldest first, and says nothing of them when none is pending", () => {
    const dayBefore = new Date(start.getTime() - 1440 * 60_000 - 10 * 60_000);
    const withItems = plan(dayBefore, [
      meeting({
        studyItems: [
          { title: "在二十届四中全会上的讲话", source: "新华社", publishedOn: "2026-11-20" },
          { title: "关于加强党的建设的重要论述", source: "《求是》", publishedOn: "2026-11-16" },
        ],
      }),
    ]);
    expect(withItems.messages[0]?.message).toEqual({
      kind: "text",
      text:
        "【会议提醒】支部委员会「十一月支委会」将于 11月24日周二 14:30 开始，地点：三楼会议室。\n" +
        "第一议题：《关于加强党的建设的重要论述》（《求是》，2026-11-16）、《在二十届四中全会上的讲话》（新华社，2026-11-20），请提前准备领学。",
    });
    const none = plan(dayBefore, [meeting({ studyItems: [] })]);
    expect(none.messages[0]?.message).toMatchObject({ text: expect.not.stringContaining("第一议题") });
  });

  it("plans each reminder once it is within the horizon, with a deterministic key", () => {
    const early = plan(new Date(start.getTime() - 2 * 86_400_000));
    expect(early.messages).toHaveLength(0);
    const dayBefore = plan(new Date(start.getTime() - 1440 * 60_000 - 10 * 60_000));
    expect(dayBefore.messages).toHaveLength(1);
    const [m] = dayBefore.messages;
    expect(m?.idempotencyKey).toBe(
      "meeting.reminder|meeting:m1|feishu:chat:oc_branch|T-1440m@2026-11-24T06:30:00.000Z",
    );
    expect(m?.dueAt.toISOString()).toBe("2026-11-23T06:30:00.000Z");
    // Useful until the 1-hour reminder takes over.
    expect(m?.expiresAt?.toISOString()).toBe("2026-11-24T05:30:00.000Z");
    expect(m?.message).toEqual({
      kind: "text",
      text: "【会议提醒】支部委员会「十一月支委会」将于 11月24日周二 14:30 开始，地点：三楼会议室。",
    });
    expect(plan(new Date(start.getTime() - 1440 * 60_000 - 10 * 60_000))).toEqual(dayBefore);
  });

  it("gives the 1-hour reminder an expiry at the start and 'starting now' a 15-minute grace", () => {
    const { messages } = plan(new Date(start.getTime() - 5 * 60_000));
    const byLead = new Map(messages.map((m) => [m.idempotencyKey.split("|")[3]?.split("@")[0], m]));
    expect(byLead.get("T-60m")?.expiresAt).toEqual(start);
    expect(byLead.get("T-0m")?.expiresAt?.toISOString()).toBe("2026-11-24T06:45:00.000Z");
    expect(byLead.get("T-0m")?.expiryReason).toContain("15 分钟");
  });

  it("withdraws a cancelled meeting's reminders and a rescheduled meeting's old ones", () => {
    const cancelled = plan(start, [meeting({ state: "cancelled" })]);
    expect(cancelled.messages).toHaveLength(0);
    expect(cancelled.withdrawals).toEqual([
      { subjects: ["meeting:m1"], keep: [], reason: "会议已取消或已结束" },
    ]);
    const live = plan(new Date(start.getTime() - 30 * 60_000));
    expect(live.withdrawals[0]?.keep).toEqual(live.messages.map((m) => m.idempotencyKey));
  });

  it("sends organ-level meeting reminders to each attendee", () => {
    const { messages } = plan(new Date(start.getTime() - 30 * 60_000), [
      meeting({
        kind: "leading_group",
        targets: [
          { platform: "feishu", target: { type: "user", id: "ou_1" } },
          { platform: "feishu", target: { type: "user", id: "ou_2" } },
        ],
      }),
    ]);
    expect(messages.filter((m) => m.idempotencyKey.includes("T-60m")).map((m) => m.target.id)).toEqual([
      "ou_1",
      "ou_2",
    ]);
  });

  it("reminds at 16:00 on the day before (the default), which lasts until the one-hour reminder", () => {
    const planDayBefore = (now: Date) =>
      planMeetingReminders({
        meetings: [meeting()],
        leadMinutes: [60],
        dayBeforeAt: "16:00",
        now,
        horizonMs: 15 * 60_000,
        timeZone: "Asia/Shanghai",
      });
    const due = new Date("2026-11-23T08:00:00Z"); // 16:00 Beijing on the 23rd
    expect(planDayBefore(new Date(due.getTime() - 20 * 60_000)).messages).toHaveLength(0);
    const [m] = planDayBefore(new Date(due.getTime() - 10 * 60_000)).messages;
    expect(m).toMatchObject({ dueAt: due, expiresAt: new Date(start.getTime() - 60 * 60_000) });
    expect(m?.idempotencyKey).toContain("D-1@16:00@");
    expect(m?.expiryReason).toContain("已到提前 60 分钟提醒的时间");
    // An hour before, both are planned (the scheduler skips the expired one with its reason), in time order.
    const late = planDayBefore(new Date(start.getTime() - 61 * 60_000));
    expect(late.messages.map((x) => x.idempotencyKey.split("|").at(-1)?.split("@")[0])).toEqual([
      "D-1",
      "T-60m",
    ]);
  });
});

describe("what the confirmation card promises", () => {
  const meeting = { startsAt: new Date("2026-11-24T06:30:00Z"), endsAt: new Date("2026-11-24T08:00:00Z") };
  const promise = (now: string, over: Partial<Parameters<typeof reminderPromise>[0]> = {}) =>
    reminderPromise({
      ...meeting,
      now: new Date(now),
      leadMinutes: [60],
      dayBeforeAt: "16:00",
      signInLeadMinutes: 15,
      timeZone: "Asia/Shanghai",
      privately: false,
      ...over,
    });

  it("states the configured reminders and sign-in lead for a meeting days ahead", () => {
    expect(promise("2026-11-20T02:00:00Z")).toBe(
      "会前一天 16:00、开始前 1 小时在群内提醒；开始前 15 分钟在群内发送签到卡片。",
    );
    expect(
      promise("2026-11-20T02:00:00Z", {
        leadMinutes: [30, 0],
        dayBeforeAt: undefined,
        signInLeadMinutes: 10,
      }),
    ).toBe("开始前 30 分钟、开始时在群内提醒；开始前 10 分钟在群内发送签到卡片。");
  });

  it("leaves out the day-before reminder for a same-day meeting and says when one goes out at once", () => {
    // 13:00 the same day: the day-before slot is gone; the 1-hour one is still ahead.
    expect(promise("2026-11-24T05:00:00Z")).toBe(
      "开始前 1 小时在群内提醒；开始前 15 分钟在群内发送签到卡片。",
    );
    // 14:10: the 1-hour reminder's time has passed; the card itself is the notice.
    expect(promise("2026-11-24T06:10:00Z")).toBe("不再发送会前提醒；开始前 15 分钟在群内发送签到卡片。");
    // 14:20: the sign-in card is due already.
    expect(promise("2026-11-24T06:20:00Z")).toBe("不再发送会前提醒；一分钟内在群内发送签到卡片。");
  });

  it("says 私信 for 党组会 and 中心组, whose reminders go to each attendee", () => {
    expect(promise("2026-11-20T02:00:00Z", { privately: true })).toBe(
      "会前一天 16:00、开始前 1 小时私信提醒每位参会人员；开始前 15 分钟私信发送签到卡片。",
    );
  });
});

describe("reminders of a meeting scheduled at short notice", () => {
  it("skips the reminders due before it was scheduled, but still sends one missed in an outage", () => {
    const m = {
      id: "m9",
      kind: "committee" as const,
      title: "支部委员会",
      startsAt: new Date("2026-11-24T06:30:00Z"),
      endsAt: new Date("2026-11-24T08:00:00Z"),
      state: "scheduled" as const,
      place: null,
      targets: [{ platform: "feishu" as const, target: { type: "chat" as const, id: "oc_b" } }],
    };
    const plan = (createdAt: string, now: string) =>
      planMeetingReminders({
        meetings: [{ ...m, createdAt: new Date(createdAt) }],
        leadMinutes: [60],
        dayBeforeAt: "16:00",
        now: new Date(now),
        horizonMs: 15 * 60_000,
        timeZone: "Asia/Shanghai",
      }).messages.map((x) => x.idempotencyKey.split("|")[3]?.split("@")[0]);
    // Scheduled at 13:00 the same day: no “day before” reminder at once; the 1-hour one at 13:30.
    expect(plan("2026-11-24T05:00:00Z", "2026-11-24T05:00:00Z")).toEqual([]);
    expect(plan("2026-11-24T05:00:00Z", "2026-11-24T05:30:00Z")).toEqual(["T-60m"]);
    // Scheduled a week ahead, the bot down over the day-before slot: it is sent late while useful.
    expect(plan("2026-11-17T05:00:00Z", "2026-11-24T05:00:00Z")).toEqual(["D-1"]);
  });
});

describe("meeting names in running text", () => {
  it("never says the kind twice", () => {
    expect(meetingName("committee", "支部委员会")).toBe("支部委员会");
    expect(meetingName("party_group", "第一党小组党小组会")).toBe("第一党小组党小组会");
    expect(meetingName("party_lecture", "新时代的机关作风")).toBe("党课「新时代的机关作风」");
  });
});
