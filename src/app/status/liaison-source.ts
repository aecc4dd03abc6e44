/**
 * Where 支部情况 gets its 联系点 figures. The 联系点 feature (built in parallel) will export
 * `liaisonSummaryFor(db, { branchIds, year, today })` from src/app/liaison/summary.ts with this shape.
 *
 * STUB — until the lead wires it: `liaisonSource` below answers zeros and nulls for every branch.
 * Wiring is one line: `export const liaisonSource: LiaisonSummaryProvider = liaisonSummaryFor;`
 * (the result may be a Map or a plain object keyed by branch id; both are read).
 */
import type { Executor } from "../../db/types.ts";

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

/** STUB: replace with the 联系点 feature's liaisonSummaryFor once it is merged. */
export const liaisonSource: LiaisonSummaryProvider = async (_db, q) =>
  new Map(q.branchIds.map((id) => [id, NO_LIAISON_DATA]));

export function liaisonOf(all: LiaisonSummaries, branchId: string): LiaisonBranchSummary {
  const found =
    all instanceof Map ? all.get(branchId) : (all as Record<string, LiaisonBranchSummary>)[branchId];
  return found ?? NO_LIAISON_DATA;
}
