import { describe, expect, it } from "vitest";
import {
  isoWeekKey,
  isProblemOverdue,
  type OwnerDirectory,
  overdueNudgeDecision,
  proposedOwnerId,
  resolveProblemOwner,
  transitionProblem,
} from "../../src/domain/liaison-problems.ts";
import { createWorkCalendar } from "../../src/domain/work-calendar.ts";
import { loadOfficialCalendar } from "../../src/lib/official-calendar.ts";

const calendar = createWorkCalendar(loadOfficialCalendar());

describe("problem status changes", () => {
  it("处理中 needs no text; 已解决 records the 解决情况 and the day, and answers raiser and branch", () => {
    expect(transitionProblem("open", "处理中", "", "2026-10-09")).toEqual({
      ok: true,
      status: "in_progress",
      resolution: undefined,
      resolvedOn: undefined,
      coordinationNeed: undefined,
      effects: [],
      historyNote: "2026-10-09 处理中",
    });
    expect(transitionProblem("in_progress", "resolved", " 已补齐归档材料 ", "2026-10-20")).toEqual({
      ok: true,
      status: "resolved",
      resolution: "已补齐归档材料",
      resolvedOn: "2026-10-20",
      coordinationNeed: undefined,
      effects: ["notify_raiser", "reply_branch_chat"],
      historyNote: "2026-10-20 已解决：已补齐归档材料",
    });
  });

  it("需要协调 says what is needed and goes to the 机关党委; it may be updated", () => {
    const r = transitionProblem("needs_coordination", "需要协调", "需机关事务处调整就餐时间", "2026-10-21");
    expect(r).toMatchObject({
      ok: true,
      status: "needs_coordination",
      coordinationNeed: "需机关事务处调整就餐时间",
      effects: ["notify_organ_committee"],
    });
  });

  it("refuses missing text, a finished problem, going back, repeats, unknown states and long text", () => {
    const refuse = (from: Parameters<typeof transitionProblem>[0], to: string, text = "") =>
      transitionProblem(from, to, text, "2026-10-21");
    expect(refuse("open", "已解决")).toEqual({ ok: false, message: "标记“已解决”时，请填写解决情况。" });
    expect(refuse("open", "需要协调", "  ")).toEqual({
      ok: false,
      message: "标记“需要协调”时，请写明需要协调解决的事项。",
    });
    expect(refuse("resolved", "处理中")).toEqual({
      ok: false,
      message: "该问题已解决，状态不能再更改；如问题再次出现，请在联系点情况中重新反映。",
    });
    expect(refuse("in_progress", "待处理")).toEqual({ ok: false, message: "问题不能改回“待处理”。" });
    expect(refuse("in_progress", "in_progress")).toEqual({ ok: false, message: "该问题已是“处理中”。" });
    expect(refuse("open", "closed")).toEqual({
      ok: false,
      message: "不认识的状态“closed”，请刷新卡片后重试。",
    });
    expect(refuse("open", "已解决", "解".repeat(1001))).toEqual({
      ok: false,
      message: "说明过长（1001 字，最多 1000 字），请精简后再提交。",
    });
  });
});

describe("overdue problems", () => {
  const problem = { status: "open" as const, raisedOn: "2026-09-01" };

  it("are overdue once more than 30 days have passed, unless resolved", () => {
    expect(isProblemOverdue(problem, "2026-10-01", 30)).toBe(false);
    expect(isProblemOverdue(problem, "2026-10-02", 30)).toBe(true);
    expect(isProblemOverdue({ ...problem, status: "resolved" }, "2026-12-01", 30)).toBe(false);
  });

  it("ISO weeks, across year ends", () => {
    expect(isoWeekKey("2026-10-08")).toBe("2026-W41");
    expect(isoWeekKey("2026-01-01")).toBe("2026-W01");
    expect(isoWeekKey("2025-12-29")).toBe("2026-W01");
    expect(isoWeekKey("2027-01-01")).toBe("2026-W53");
    expect(isoWeekKey("2027-01-04")).toBe("2027-W01");
  });

  it("nudge the owner weekly on working days: not in 国庆, then 10-08, not again until 10-15", () => {
    const decide = (today: string, lastNudgedOn?: string, ownerOnLeave = false) =>
      overdueNudgeDecision({ problem, today, calendar, overdueDays: 30, lastNudgedOn, ownerOnLeave });
    expect(decide("2026-10-01")).toEqual({ due: false, reason: "not_overdue" });
    expect(decide("2026-10-02")).toEqual({ due: false, reason: "day_off" });
    expect(decide("2026-10-08")).toEqual({ due: true, slot: "2026-W41" });
    // The 调休 Saturday is a working day, but only two days have passed.
    expect(decide("2026-10-10", "2026-10-08")).toEqual({ due: false, reason: "nudged_recently" });
    expect(decide("2026-10-14", "2026-10-08")).toEqual({ due: false, reason: "nudged_recently" });
    expect(decide("2026-10-15", "2026-10-08")).toEqual({ due: true, slot: "2026-W42" });
    expect(decide("2026-10-15", "2026-10-08", true)).toEqual({ due: false, reason: "on_leave" });
    expect(decide("2026-10-17", "2026-10-08")).toEqual({ due: false, reason: "day_off" });
    expect(
      overdueNudgeDecision({
        problem: { ...problem, status: "resolved" },
        today: "2026-10-15",
        calendar,
        overdueDays: 30,
        lastNudgedOn: undefined,
        ownerOnLeave: false,
      }),
    ).toEqual({ due: false, reason: "resolved" });
  });
});

describe("problem owners", () => {
  const directory = (active: string[], secretaries: Record<string, string>): OwnerDirectory => ({
    isActive: (id) => active.includes(id),
    nameOf: (id) => ({ m1: "李四", s1: "王五" })[id],
    secretaryOf: (b) => secretaries[b],
    branchName: (b) => ({ b1: "办公室党支部" })[b] ?? b,
    departmentOwner: (name) => (name === "人事处" ? "h1" : undefined),
  });

  it("maps a proposed owner to a member", () => {
    const ctx = { leaderId: "L", branchId: "b1", directory: directory([], { b1: "s1" }) };
    expect(proposedOwnerId({ kind: "leader" }, ctx)).toBe("L");
    expect(proposedOwnerId({ kind: "branch" }, ctx)).toBe("s1");
    expect(proposedOwnerId({ kind: "department", name: "人事处" }, ctx)).toBe("h1");
    expect(proposedOwnerId({ kind: "department", name: "财务处" }, ctx)).toBeUndefined();
  });

  it("an owner who left falls back to the branch 书记, with a note for the audit log", () => {
    expect(resolveProblemOwner("m1", "b1", directory(["m1", "s1"], { b1: "s1" }))).toEqual({
      kind: "owner",
      memberId: "m1",
    });
    expect(resolveProblemOwner("m1", "b1", directory(["s1"], { b1: "s1" }))).toEqual({
      kind: "fallback",
      memberId: "s1",
      auditNote: "原负责人李四已不在名册中，改由办公室党支部书记负责",
    });
    expect(resolveProblemOwner(undefined, "b1", directory(["s1"], { b1: "s1" }))).toEqual({
      kind: "fallback",
      memberId: "s1",
      auditNote: "未能确定负责人，改由办公室党支部书记负责",
    });
    expect(resolveProblemOwner("m1", "b1", directory([], {}))).toEqual({
      kind: "organ_committee",
      auditNote: "原负责人李四已不在名册中，且办公室党支部没有书记，请机关党委指定负责人",
    });
  });
});
