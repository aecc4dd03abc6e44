/**
 * What the 第一议题 feature tells others (支部情况, 机关情况) about branches, without them reading its
 * tables: pending and overdue items and how fast this year's were studied.
 */
import { branchStudyFigures } from "../../db/queries/study-summary.ts";
import type { Executor } from "../../db/types.ts";
import type { StatusExtras } from "../../domain/compliance-score.ts";
import { addDays } from "../../domain/time.ts";

export type BranchStudySummary = StatusExtras["study"];

/**
 * Per branch (every branch asked is a key): items not studied yet, those of them overdue on `today`
 * (pending more than `overdueDays` after being added, as the 第一议题 card says), and the median days
 * from publication to first study over items first studied in `year`.
 */
export async function studySummaryFor(
  db: Executor,
  q: {
    orgId: string;
    branchIds: readonly string[];
    year: number;
    today: string;
    timeZone: string;
    overdueDays: number;
  },
): Promise<Map<string, BranchStudySummary>> {
  const rows = await branchStudyFigures(db, {
    orgId: q.orgId,
    branchIds: q.branchIds,
    yearStart: `${q.year}-01-01`,
    overdueBefore: addDays(q.today, -q.overdueDays),
    timeZone: q.timeZone,
  });
  return new Map(
    rows.map((r) => [r.branchId, { pending: r.pending, overdue: r.overdue, medianLagDays: r.medianLagDays }]),
  );
}
