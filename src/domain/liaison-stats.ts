import { addMonths, lastDayOfMonth, reportDeadline } from "./liaison-calendar.ts";
import { type FiledReport, inForce, type LeaderBranch, type LiaisonAssignment } from "./liaison-plan.ts";
import { isProblemOverdue, type ProblemStatus } from "./liaison-problems.ts";
import { IN_PERSON_METHODS } from "./liaison-report.ts";
import type { LiaisonSettings } from "./liaison-settings.ts";
import { delayDays, median } from "./study.ts";

/**
 * `联系点 情况`: per leader and liaison branch, each month of the year and the year's figures. A month
 * counts only when the assignment is in force on its last day (the rule the planners use to expect a
 * report), so a leader is never shown "missing" for a month he was not asked about.
 */

export type MonthStatus = "filed" | "late" | "missing" | "not_due" | "not_assigned";

export const MONTH_STATUS_LABELS: Record<MonthStatus, string> = {
  filed: "已报",
  late: "补报",
  missing: "未报",
  not_due: "未到期",
  not_assigned: "—",
};

export interface StatsProblem extends LeaderBranch {
  raisedOn: string;
  status: ProblemStatus;
  resolvedOn: string | undefined;
}

export interface LiaisonFigures {
  filed: number;
  late: number;
  missing: number;
  /** Distinct days at the branch in person (组织生活, 党课, 调研, 谈心谈话) this year. */
  visits: number;
  /** Distinct 调研 days this year. */
  research: number;
  problemsRaised: number;
  problemsResolved: number;
  /**
   * Unresolved and past the overdue limit today — of every year, unlike raised and resolved: a problem
   * carried over from last year is still owed an answer (件件有着落).
   */
  problemsOverdue: number;
  /** Days from raised to resolved, over this year's resolved problems; undefined when none is. */
  medianDaysToResolve: number | undefined;
}

export interface LiaisonStatsRow extends LeaderBranch, LiaisonFigures {
  /** January first. */
  months: MonthStatus[];
  researchRequired: number;
  researchMet: boolean;
}

export interface LiaisonStats {
  rows: LiaisonStatsRow[];
  /** Sums over all rows; the median over all their resolved problems. */
  total: LiaisonFigures;
}

export interface LiaisonStatsInput {
  year: number;
  today: string;
  settings: Pick<LiaisonSettings, "reportMonth" | "researchPerYear" | "problemOverdueDays">;
  assignments: readonly LiaisonAssignment[];
  reports: readonly FiledReport[];
  problems: readonly StatsProblem[];
}

const pairKey = (p: LeaderBranch) => `${p.leaderId}|${p.branchId}`;

function monthStatus(
  input: LiaisonStatsInput,
  assignments: readonly LiaisonAssignment[],
  report: FiledReport | undefined,
  month: string,
): MonthStatus {
  if (!assignments.some((a) => inForce(a, lastDayOfMonth(month)))) return "not_assigned";
  const deadline = reportDeadline(month, input.settings.reportMonth);
  if (report) return report.filedOn <= deadline ? "filed" : "late";
  return input.today > deadline ? "missing" : "not_due";
}

export function liaisonStats(input: LiaisonStatsInput): LiaisonStats {
  const { year, today } = input;
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  const byPair = new Map<string, LiaisonAssignment[]>();
  for (const a of input.assignments) {
    if (a.validFrom > last || (a.validTo !== undefined && a.validTo < first)) continue;
    byPair.set(pairKey(a), [...(byPair.get(pairKey(a)) ?? []), a]);
  }
  const allDays: number[] = [];
  const rows = [...byPair.values()].map((assignments): LiaisonStatsRow => {
    const { leaderId, branchId } = assignments[0] as LiaisonAssignment;
    const pair = { leaderId, branchId };
    const reports = input.reports.filter((r) => pairKey(r) === pairKey(pair));
    const months = Array.from({ length: 12 }, (_, i) => {
      const month = addMonths(first, i);
      return monthStatus(
        input,
        assignments,
        reports.find((r) => r.month === month),
        month,
      );
    });
    const contacts = reports.flatMap((r) => r.contacts).filter((c) => c.day >= first && c.day <= last);
    const visits = new Set(contacts.filter((c) => IN_PERSON_METHODS.includes(c.method)).map((c) => c.day));
    const research = new Set(contacts.filter((c) => c.method === "research").map((c) => c.day)).size;
    const ofPair = input.problems.filter((p) => pairKey(p) === pairKey(pair));
    const problems = ofPair.filter((p) => p.raisedOn >= first && p.raisedOn <= last);
    const days = problems.flatMap((p) =>
      p.status === "resolved" && p.resolvedOn ? [delayDays(p.raisedOn, p.resolvedOn)] : [],
    );
    allDays.push(...days);
    const required = input.settings.researchPerYear;
    return {
      ...pair,
      months,
      filed: months.filter((m) => m === "filed").length,
      late: months.filter((m) => m === "late").length,
      missing: months.filter((m) => m === "missing").length,
      visits: visits.size,
      research,
      researchRequired: required,
      researchMet: research >= required,
      problemsRaised: problems.length,
      problemsResolved: days.length,
      problemsOverdue: ofPair.filter((p) => isProblemOverdue(p, today, input.settings.problemOverdueDays))
        .length,
      medianDaysToResolve: median(days),
    };
  });
  const sum = (f: keyof Omit<LiaisonFigures, "medianDaysToResolve">) => rows.reduce((n, r) => n + r[f], 0);
  return {
    rows,
    total: {
      filed: sum("filed"),
      late: sum("late"),
      missing: sum("missing"),
      visits: sum("visits"),
      research: sum("research"),
      problemsRaised: sum("problemsRaised"),
      problemsResolved: sum("problemsResolved"),
      problemsOverdue: sum("problemsOverdue"),
      medianDaysToResolve: median(allDays),
    },
  };
}
