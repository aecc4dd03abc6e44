import { describe, expect, it } from "vitest";
import { type MeetingForReminder, planMeetingReminders } from "../../src/domain/meeting-reminders.ts";

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
