import { describe, expect, it } from "vitest";
import { dueTermReminders, termStatus } from "../../src/domain/branch-term.ts";

describe("换届: the committee's term", () => {
  it("flags a term ending within 90 days, not one ending in 91", () => {
    expect(termStatus("2023-06-15", 3, "2026-03-16")).toEqual({
      state: "ok",
      electedOn: "2023-06-15",
      endsOn: "2026-06-15",
      daysLeft: 91,
      message: "本届支部委员会任期至 2026-06-15",
    });
    expect(termStatus("2023-06-15", 3, "2026-03-17")).toEqual({
      state: "due_soon",
      electedOn: "2023-06-15",
      endsOn: "2026-06-15",
      daysLeft: 90,
      message: "支部委员会任期将于 2026-06-15 届满（还有 90 天），请及时做好换届准备",
    });
  });

  it("says so on the day and once the term is past", () => {
    expect(termStatus("2023-06-15", 3, "2026-06-15").message).toBe(
      "支部委员会任期今天（2026-06-15）届满，请按期完成换届选举",
    );
    expect(termStatus("2023-06-15", 3, "2026-07-15")).toMatchObject({
      state: "expired",
      daysLeft: -30,
      message: "支部委员会任期已于 2026-06-15 届满，已超期 30 天，请尽快完成换届选举",
    });
  });

  it("counts other term lengths, clamps 29 February, and asks for a missing election date", () => {
    expect(termStatus("2024-02-29", 3, "2026-01-01")).toMatchObject({ endsOn: "2027-02-28" });
    expect(termStatus("2021-09-01", 5, "2026-01-01")).toMatchObject({ endsOn: "2026-09-01", state: "ok" });
    expect(termStatus(null, 3, "2026-01-01")).toEqual({
      state: "unknown",
      message: "未登记本届支部委员会的选举日期（名册 elected_on），无法提示换届时间",
    });
  });
});

describe("换届 reminders for the daily tick", () => {
  const base = { branchId: "b1", branchName: "办公室党支部", electedOn: "2023-06-15", termYears: 3 };
  const slots = (today: string) => dueTermReminders({ ...base, today }).map((r) => r.slot);

  it("sends nothing before 90 days, then one slot per lead time, to the 书记 and the 机关党委", () => {
    expect(dueTermReminders({ ...base, today: "2026-03-16" })).toEqual([]);
    const due = dueTermReminders({ ...base, today: "2026-03-17" });
    expect(due).toEqual([
      {
        key: "branch.term|branch:b1|secretary|2026-06-15:d90",
        kind: "branch.term",
        subject: "branch:b1",
        audience: "secretary",
        slot: "2026-06-15:d90",
        text: "【换届提醒】办公室党支部：支部委员会任期将于 2026-06-15 届满（还有 90 天），请及时做好换届准备。请按程序向机关党委报告，做好候选人酝酿、召开党员大会选举等工作。",
      },
      {
        key: "branch.term|branch:b1|organ_committee|2026-06-15:d90",
        kind: "branch.term",
        subject: "branch:b1",
        audience: "organ_committee",
        slot: "2026-06-15:d90",
        text: "【换届提醒】办公室党支部：支部委员会任期将于 2026-06-15 届满（还有 90 天），请及时做好换届准备。请督促该支部按期完成换届。",
      },
    ]);
  });

  it("keeps the same key on later ticks, so the outbox does not send twice", () => {
    expect(slots("2026-04-20")).toEqual(["2026-06-15:d90", "2026-06-15:d90"]);
    expect(slots("2026-05-16")).toEqual(["2026-06-15:d30", "2026-06-15:d30"]);
    expect(slots("2026-06-08")).toEqual(["2026-06-15:d7", "2026-06-15:d7"]);
    expect(slots("2026-06-15")).toEqual(["2026-06-15:d0", "2026-06-15:d0"]);
    // Just after the end the on-the-day slot still stands (sent once, or caught up if missed).
    expect(slots("2026-06-20")).toEqual(["2026-06-15:d0", "2026-06-15:d0"]);
  });

  it("reminds every 30 days once the term is over, and starts afresh after a re-election", () => {
    expect(slots("2026-07-15")).toEqual(["2026-06-15:overdue1", "2026-06-15:overdue1"]);
    expect(slots("2026-08-13")).toEqual(["2026-06-15:overdue1", "2026-06-15:overdue1"]);
    expect(slots("2026-08-14")).toEqual(["2026-06-15:overdue2", "2026-06-15:overdue2"]);
    expect(dueTermReminders({ ...base, electedOn: "2026-07-01", today: "2026-08-14" })).toEqual([]);
    expect(dueTermReminders({ ...base, electedOn: null, today: "2026-08-14" })).toEqual([]);
  });

  it("takes other lead times", () => {
    const r = dueTermReminders({ ...base, today: "2026-05-01", leadDays: [60, 14] });
    expect(r.map((x) => x.slot)).toEqual(["2026-06-15:d60", "2026-06-15:d60"]);
  });
});
