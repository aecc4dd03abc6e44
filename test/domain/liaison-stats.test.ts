import { describe, expect, it } from "vitest";
import type { FiledReport, LiaisonAssignment } from "../../src/domain/liaison-plan.ts";
import { DEFAULT_LIAISON_SETTINGS } from "../../src/domain/liaison-settings.ts";
import { liaisonStats, MONTH_STATUS_LABELS, type StatsProblem } from "../../src/domain/liaison-stats.ts";

const assignments: LiaisonAssignment[] = [
  { leaderId: "L1", branchId: "B1", validFrom: "2026-03-10", validTo: undefined },
  { leaderId: "L2", branchId: "B2", validFrom: "2025-01-01", validTo: "2026-06-15" },
  // Ended before the year: no row.
  { leaderId: "L3", branchId: "B3", validFrom: "2024-01-01", validTo: "2025-12-31" },
];
const r = (leaderId: string, month: string, filedOn: string, contacts: FiledReport["contacts"] = []) => ({
  leaderId,
  branchId: leaderId.replace("L", "B"),
  month,
  filedOn,
  contacts,
});
const reports: FiledReport[] = [
  r("L1", "2026-03-01", "2026-04-20", [
    { method: "org_life", day: "2026-03-20" },
    { method: "research", day: "2026-03-25" },
    { method: "remote", day: "2026-03-28" },
  ]),
  r("L1", "2026-04-01", "2026-06-02"),
  r("L1", "2026-09-01", "2026-10-09", [
    { method: "research", day: "2026-09-10" },
    { method: "talk", day: "2026-09-10" },
    { method: "lecture", day: "2026-09-18" },
  ]),
  r("L2", "2025-12-01", "2026-01-05", [{ method: "research", day: "2025-12-05" }]),
  r("L2", "2026-01-01", "2026-02-10"),
];
const p = (leaderId: string, raisedOn: string, resolvedOn?: string, status = "resolved"): StatsProblem => ({
  leaderId,
  branchId: leaderId.replace("L", "B"),
  raisedOn,
  resolvedOn,
  status: (resolvedOn ? "resolved" : status) as StatsProblem["status"],
});
const problems = [
  p("L1", "2026-03-28", "2026-04-07"),
  p("L1", "2026-04-01", "2026-05-01"),
  p("L1", "2026-09-15", "2026-09-18"),
  p("L1", "2026-09-20", undefined, "open"),
  p("L1", "2026-10-20", undefined, "in_progress"),
  p("L2", "2025-11-01", undefined, "needs_coordination"),
  p("L2", "2026-02-01", "2026-02-05"),
];

describe("联系点 情况", () => {
  const stats = liaisonStats({
    year: 2026,
    today: "2026-11-10",
    settings: DEFAULT_LIAISON_SETTINGS,
    assignments,
    reports,
    problems,
  });

  it("per month: filed, late, missing, not yet due, not assigned", () => {
    expect(stats.rows.map((row) => row.months.map((m) => MONTH_STATUS_LABELS[m]).join(" "))).toEqual([
      "— — 已报 补报 未报 未报 未报 未报 已报 未到期 未到期 未到期",
      "已报 未报 未报 未报 未报 — — — — — — —",
    ]);
  });

  it("the year's figures per row: visits on distinct days, 调研 vs the rule, problems and the median", () => {
    expect(stats.rows).toEqual([
      expect.objectContaining({
        leaderId: "L1",
        branchId: "B1",
        filed: 2,
        late: 1,
        missing: 4,
        visits: 4,
        research: 2,
        researchRequired: 1,
        researchMet: true,
        problemsRaised: 5,
        problemsResolved: 3,
        problemsOverdue: 1,
        medianDaysToResolve: 10,
      }),
      expect.objectContaining({
        leaderId: "L2",
        filed: 1,
        late: 0,
        missing: 4,
        visits: 0,
        research: 0,
        researchMet: false,
        problemsRaised: 1,
        problemsResolved: 1,
        // Last year's, still waiting for coordination.
        problemsOverdue: 1,
        medianDaysToResolve: 4,
      }),
    ]);
  });

  it("totals, with the median over every resolved problem (an even count averages the middle two)", () => {
    expect(stats.total).toEqual({
      filed: 3,
      late: 1,
      missing: 8,
      visits: 4,
      research: 2,
      problemsRaised: 6,
      problemsResolved: 4,
      problemsOverdue: 2,
      medianDaysToResolve: 7,
    });
  });

  it("current-month mode moves the deadlines: October is missing on 11-10, and nothing resolved has no median", () => {
    const current = { ...DEFAULT_LIAISON_SETTINGS, reportMonth: "current" as const };
    const s = liaisonStats({
      year: 2026,
      today: "2026-11-10",
      settings: current,
      assignments,
      reports,
      problems: [],
    });
    // September's report, filed 10-09, was due 09-30 in this mode.
    expect(s.rows[0]?.months.slice(8)).toEqual(["late", "missing", "not_due", "not_due"]);
    // April's report came on 06-02, after its 04-30 deadline.
    expect(s.rows[0]?.months[3]).toBe("late");
    expect(s.total.medianDaysToResolve).toBeUndefined();
  });
});
