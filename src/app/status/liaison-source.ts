/**
 * Where 支部情况 gets its 联系点 figures: the 联系点 feature's own summary (status never reads the
 * liaison tables itself). A branch missing from the answer counts as having no 联系点 data.
 */
import type { Executor } from "../../db/types.ts";
import { liaisonSummaryFor } from "../liaison/summary.ts";

export interface LiaisonBranchSummary {
  /** Monthly updates the liaison leader(s) submitted for this branch this year. */
  reportsThisYear: number;
  /** Local date of the last on-site visit (调研), or null. */
  lastVisitOn: string | null;
  /** Problems raised in updates and not resolved yet. */
  openProblems: number;
  /** Of those, the ones past their due date. */
  overdueProblems: number;
}

export type LiaisonSummaries =
  | ReadonlyMap<string, LiaisonBranchSummary>
  | Readonly<Record<string, LiaisonBranchSummary>>;

export type LiaisonSummaryProvider = (
  db: Executor,
  q: { branchIds: string[]; year: number; today: string },
) => Promise<LiaisonSummaries>;

export const NO_LIAISON_DATA: LiaisonBranchSummary = {
  reportsThisYear: 0,
  lastVisitOn: null,
  openProblems: 0,
  overdueProblems: 0,
};

export const liaisonSource: LiaisonSummaryProvider = (db, q) => liaisonSummaryFor(db, q);

export function liaisonOf(all: LiaisonSummaries, branchId: string): LiaisonBranchSummary {
  const found =
    all instanceof Map ? all.get(branchId) : (all as Record<string, LiaisonBranchSummary>)[branchId];
  return found ?? NO_LIAISON_DATA;
}
