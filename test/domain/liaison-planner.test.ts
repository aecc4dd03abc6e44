import { describe, expect, it } from "vitest";
import type { FiledReport, LiaisonAssignment, LiaisonPlanned } from "../../src/domain/liaison-plan.ts";
import { planLiaisonMonthly } from "../../src/domain/liaison-planner.ts";
import type { OwnerDirectory } from "../../src/domain/liaison-problems.ts";
import {
  planOverdueProblemNudges,
  planResearchReminders,
  researchDays,
  type TrackedProblem,
} from "../../src/domain/liaison-reminders.ts";
import { DEFAULT_LIAISON_SETTINGS } from "../../src/domain/liaison-settings.ts";
import { zonedInstant } from "../../src/domain/time.ts";
import { createWorkCalendar } from "../../src/domain/work-calendar.ts";
import { loadOfficialCalendar } from "../../src/lib/official-calendar.ts";

const tz = "Asia/Shanghai";
const calendar = createWorkCalendar(loadOfficialCalendar());
const settings = DEFAULT_LIAISON_SETTINGS;
const at = (day: string, time = "08:30") => zonedInstant(day, time, tz);

const assignments: LiaisonAssignment[] = [
  { leaderId: "L1", branchId: "B1", validFrom: "2026-01-01", validTo: undefined },
  { leaderId: "L2", branchId: "B2", validFrom: "2026-01-01", validTo: undefined },
  // Assigned mid-September: reports on September's second half.
  { leaderId: "L3", branchId: "B3", validFrom: "2026-09-15", validTo: undefined },
  // Ended mid-September: not chased for September.
  { leaderId: "L4", branchId: "B4", validFrom: "2026-01-01", validTo: "2026-09-10" },
];
const report = (
  leaderId: string,
  month: string,
  filedOn: string,
  contacts: FiledReport["contacts"] = [],
) => ({
  leaderId,
  branchId: leaderId.replace("L", "B"),
  month,
  filedOn,
  contacts,
});
const reports: FiledReport[] = [
  report("L1", "2026-08-01", "2026-09-20"),
  report("L2", "2026-08-01", "2026-10-08"),
  report("L2", "2026-09-01", "2026-10-09"),
];
const leave = [
  { memberId: "L1", from: "2026-10-08", to: "2026-10-09" },
  { memberId: "L4", from: "2026-09-28", to: "2026-09-30" },
];
const monthly = (day: string, extra: Partial<Parameters<typeof planLiaisonMonthly>[0]> = {}) =>
  planLiaisonMonthly({
    now: at(day),
    timeZone: tz,
    calendar,
    settings,
    assignments,
    reports,
    leave,
    ...extra,
  });
const brief = (m: LiaisonPlanned) =>
  "leaderId" in m ? `${m.kind} ${m.leaderId} ${"reportMonth" in m ? m.reportMonth : ""}`.trim() : m.kind;

describe("monthly cards, nudges and summary", () => {
  it("10-08, first working day after 国庆: September's card (not to the leader on leave), August's summary", () => {
    const plan = monthly("2026-10-08");
    expect(plan.messages.map(brief)).toEqual(["liaison.summary", "liaison.card L3 2026-09-01"]);
    expect(plan.messages[1]).toEqual({
      kind: "liaison.card",
      key: "liaison.card|liaison:L3:B3:2026-09-01|member:L3|card",
      subject: "liaison:L3:B3:2026-09-01",
      slot: "card",
      recipient: { type: "member", memberId: "L3" },
      leaderId: "L3",
      branchId: "B3",
      reportMonth: "2026-09-01",
      deadline: "2026-10-31",
      dueAt: new Date("2026-10-08T01:00:00.000Z"),
      expiresAt: new Date("2026-10-31T16:00:00.000Z"),
      expiryReason: "2026年9月联系点情况已过截止日期，不再发送填报卡片",
    });
    // August was due by 09-30: L1 on time, L2 filed today (late), L4 away three working days.
    expect(plan.messages[0]).toMatchObject({
      kind: "liaison.summary",
      key: "liaison.summary|liaison-summary:2026-08-01|organ_committee|2026-08-01",
      recipient: { type: "organ_committee" },
      reportMonth: "2026-08-01",
      deadline: "2026-09-30",
      onTime: [{ leaderId: "L1", branchId: "B1" }],
      late: [{ leaderId: "L2", branchId: "B2" }],
      missing: [{ leaderId: "L4", branchId: "B4", awayDays: 3 }],
      // September 2026: 22 weekdays, less 中秋 (09-25), plus the 调休 Sunday 09-20.
      cycleWorkdays: 22,
      dueAt: new Date("2026-10-08T01:00:00.000Z"),
      // Catch-up until the last working day of its week: 10-14.
      expiresAt: new Date("2026-10-14T16:00:00.000Z"),
    });
    expect(plan.withdrawals).toEqual([
      {
        subjects: ["liaison:L1:B1:2026-08-01", "liaison:L2:B2:2026-08-01", "liaison:L2:B2:2026-09-01"],
        reason: "已填报联系点情况",
      },
    ]);
    expect(plan.notes).toEqual([]);
  });

  it("nothing during 国庆; the leader back from leave gets his card on the 调休 Saturday", () => {
    expect(monthly("2026-10-05").messages).toEqual([]);
    const plan = monthly("2026-10-10");
    expect(plan.messages.map(brief)).toEqual([
      "liaison.summary",
      "liaison.card L1 2026-09-01",
      "liaison.card L3 2026-09-01",
    ]);
    expect(plan.messages[1]?.key).toBe("liaison.card|liaison:L1:B1:2026-09-01|member:L1|card");
    expect(plan.messages[1]?.dueAt.toISOString()).toBe("2026-10-10T01:00:00.000Z");
  });

  it("nudges non-responders with 3 and 1 working days left, not on the weekend deadline, not while away", () => {
    const nudges = (day: string, extra = {}) =>
      monthly(day, extra).messages.filter((m) => m.kind === "liaison.nudge");
    expect(nudges("2026-10-28")).toMatchObject([
      {
        leaderId: "L1",
        workdaysLeft: 3,
        key: "liaison.nudge|liaison:L1:B1:2026-09-01|member:L1|nudge@2026-10-28",
      },
      { leaderId: "L3", workdaysLeft: 3, expiresAt: new Date("2026-10-28T16:00:00.000Z") },
    ]);
    expect(nudges("2026-10-29")).toEqual([]);
    expect(nudges("2026-10-30").map((n) => n.leaderId)).toEqual(["L1", "L3"]);
    expect(monthly("2026-10-31").messages).toEqual([]);
    const away = [...leave, { memberId: "L3", from: "2026-10-30", to: "2026-11-06" }];
    expect(nudges("2026-10-30", { leave: away }).map((n) => n.leaderId)).toEqual(["L1"]);
    // Filing stops them.
    const filed = [...reports, report("L1", "2026-09-01", "2026-10-29")];
    expect(nudges("2026-10-30", { reports: filed }).map((n) => n.leaderId)).toEqual(["L3"]);
  });

  it("the day after a Saturday deadline is Sunday: the summary waits for Monday 11-02", () => {
    const late = [...reports, report("L1", "2026-09-01", "2026-11-01")];
    expect(monthly("2026-11-01", { reports: late }).messages).toEqual([]);
    const plan = monthly("2026-11-02", { reports: late });
    // 11-02 is also November's first working day: October's cards go out with it.
    expect(plan.messages.map(brief)).toEqual([
      "liaison.summary",
      "liaison.card L1 2026-10-01",
      "liaison.card L2 2026-10-01",
      "liaison.card L3 2026-10-01",
    ]);
    expect(plan.messages[0]).toMatchObject({
      reportMonth: "2026-09-01",
      onTime: [{ leaderId: "L2" }],
      late: [{ leaderId: "L1" }],
      missing: [{ leaderId: "L3", awayDays: 0 }],
      dueAt: new Date("2026-11-02T01:00:00.000Z"),
    });
  });

  it("notes on the card day when the window is too short for a nudge", () => {
    const offs = ["2026-12-29", "2026-12-30", "2026-12-31"].map((day) => ({ day, reason: "年终封闭" }));
    const plan = monthly("2026-12-28", {
      calendar: createWorkCalendar(loadOfficialCalendar(), offs),
      settings: { ...settings, reportMonth: "current", cardWorkday: 20 },
    });
    expect(plan.notes).toEqual([
      "2026年12月：截止日（2026-12-31）前的工作日不足，不安排剩 3、1 个工作日时的催报",
    ]);
    expect(plan.messages.map(brief)).toEqual([
      "liaison.card L1 2026-12-01",
      "liaison.card L2 2026-12-01",
      "liaison.card L3 2026-12-01",
    ]);
  });
});

describe("yearly 调研 reminders", () => {
  const withResearch: FiledReport[] = [
    report("L1", "2026-05-01", "2026-06-01", [
      { method: "research", day: "2026-05-12" },
      { method: "talk", day: "2026-05-13" },
    ]),
    report("L2", "2025-11-01", "2025-12-01", [{ method: "research", day: "2025-11-03" }]),
  ];
  const research = (day: string, extra = {}) =>
    planResearchReminders({
      now: at(day),
      timeZone: tz,
      calendar,
      settings,
      assignments,
      reports: withResearch,
      leave: [],
      ...extra,
    });

  it("counts distinct 调研 days of the year only", () => {
    expect(researchDays(withResearch, { leaderId: "L1", branchId: "B1" }, 2026)).toEqual(["2026-05-12"]);
    expect(researchDays(withResearch, { leaderId: "L2", branchId: "B2" }, 2026)).toEqual([]);
  });

  it("from October's card day, monthly, to those short of the rule; those done are withdrawn", () => {
    expect(research("2026-09-15").messages).toEqual([]);
    expect(research("2026-10-08").messages).toEqual([
      {
        kind: "liaison.research",
        key: "liaison.research|liaison-research:L2:B2:2026|member:L2|2026-10",
        subject: "liaison-research:L2:B2:2026",
        slot: "2026-10",
        recipient: { type: "member", memberId: "L2" },
        leaderId: "L2",
        branchId: "B2",
        year: 2026,
        done: 0,
        required: 1,
        dueAt: new Date("2026-10-08T01:00:00.000Z"),
        expiresAt: new Date("2026-10-30T16:00:00.000Z"),
        expiryReason: "本月调研提醒未能发送，下月再提醒",
      },
      expect.objectContaining({ leaderId: "L3", slot: "2026-10" }),
    ]);
    expect(research("2026-10-08").withdrawals).toEqual([
      { subjects: ["liaison-research:L1:B1:2026"], reason: "已完成本年度调研" },
    ]);
    expect(research("2026-11-02").messages.map((m) => m.slot)).toEqual(["2026-11", "2026-11"]);
    const twice = research("2026-11-02", { settings: { ...settings, researchPerYear: 2 } });
    expect(twice.messages.map((m) => ("leaderId" in m ? m.leaderId : ""))).toEqual(["L1", "L2", "L3"]);
    const away = research("2026-11-02", {
      leave: [{ memberId: "L2", from: "2026-11-01", to: "2026-11-30" }],
    });
    expect(away.messages.map((m) => ("leaderId" in m ? m.leaderId : ""))).toEqual(["L3"]);
  });
});

describe("overdue problem nudges", () => {
  const directory: OwnerDirectory = {
    isActive: (id) => ["m1", "s2", "m6"].includes(id),
    nameOf: (id) => ({ gone: "赵六" })[id],
    secretaryOf: (b) => ({ B2: "s2" })[b],
    branchName: (b) => ({ B2: "人事处党支部" })[b] ?? b,
    departmentOwner: () => undefined,
  };
  const problem = (id: string, rest: Partial<TrackedProblem>): TrackedProblem => ({
    id,
    branchId: "B1",
    ownerId: "m1",
    status: "open",
    raisedOn: "2026-09-01",
    lastNudgedOn: undefined,
    ...rest,
  });
  const problems = [
    problem("P1", {}),
    problem("P2", { branchId: "B2", ownerId: "gone", status: "in_progress" }),
    problem("P3", { status: "needs_coordination" }),
    problem("P4", { status: "resolved" }),
    problem("P5", { raisedOn: "2026-09-20" }),
    problem("P6", { ownerId: "m6" }),
    problem("P7", { lastNudgedOn: "2026-10-02" }),
  ];
  const plan = (day: string) =>
    planOverdueProblemNudges({
      now: at(day),
      timeZone: tz,
      calendar,
      settings,
      leave: [{ memberId: "m6", from: "2026-10-08", to: "2026-10-08" }],
      problems,
      directory,
    });

  it("on 10-08: owner, fallback 书记 (noted), 机关党委 for 需要协调; not the fresh, the away or the recent", () => {
    const p = plan("2026-10-08");
    expect(p.messages.map((m) => [m.key, "fallbackNote" in m ? m.fallbackNote : undefined])).toEqual([
      ["liaison.problem_overdue|liaison-problem:P1|member:m1|2026-W41", undefined],
      [
        "liaison.problem_overdue|liaison-problem:P2|member:s2|2026-W41",
        "原负责人赵六已不在名册中，改由人事处党支部书记负责",
      ],
      ["liaison.problem_overdue|liaison-problem:P3|organ_committee|2026-W41", undefined],
    ]);
    expect(p.messages[0]).toMatchObject({
      daysOpen: 37,
      dueAt: new Date("2026-10-08T01:00:00.000Z"),
      // The week's last working day is the 调休 Saturday 10-10.
      expiresAt: new Date("2026-10-10T16:00:00.000Z"),
    });
    expect(p.withdrawals).toEqual([{ subjects: ["liaison-problem:P4"], reason: "问题已解决" }]);
  });

  it("nothing on days off; P7, nudged on 10-02, is due again on 10-09", () => {
    expect(plan("2026-10-03").messages).toEqual([]);
    expect(plan("2026-10-09").messages.map((m) => m.subject)).toContain("liaison-problem:P7");
  });
});
