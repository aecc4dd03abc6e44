/**
 * The 联系点 figures the 支部情况 feature shows, without reading this feature's tables itself: reports
 * filed about this year's months, the last visit on file, open and overdue problems, per branch.
 */
import { liaisonBranchFigures } from "../../db/queries/liaison-summary.ts";
import type { Executor } from "../../db/types.ts";
import { IN_PERSON_METHODS } from "../../domain/liaison-report.ts";
import { DEFAULT_LIAISON_SETTINGS } from "../../domain/liaison-settings.ts";

export interface LiaisonBranchSummary {
  reportsThisYear: number;
  /** The last in-person contact (组织生活, 党课, 调研, 谈心谈话) on file, YYYY-MM-DD. */
  lastVisitOn: string | null;
  openProblems: number;
  overdueProblems: number;
}

/** Every asked branch gets an entry (zeros when nothing is on file). */
export async function liaisonSummaryFor(
  db: Executor,
  input: { branchIds: string[]; year: number; today: string /* YYYY-MM-DD */ },
  /** Days after which an unresolved problem is overdue; config.liaison.problemOverdueDays. */
  overdueDays: number = DEFAULT_LIAISON_SETTINGS.problemOverdueDays,
): Promise<Map<string, LiaisonBranchSummary>> {
  const rows = await liaisonBranchFigures(db, { ...input, overdueDays, inPerson: IN_PERSON_METHODS });
  const out = new Map<string, LiaisonBranchSummary>();
  for (const id of input.branchIds)
    out.set(id, { reportsThisYear: 0, lastVisitOn: null, openProblems: 0, overdueProblems: 0 });
  for (const { branchId, ...figures } of rows) out.set(branchId, figures);
  return out;
}
