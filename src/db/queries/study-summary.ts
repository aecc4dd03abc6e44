/**
 * What the 第一议题 feature tells other features about branches (src/app/study/summary.ts): items
 * pending, how many of them overdue, and the median days from publication to first study this year.
 * Reads study_firsts (one row per branch and item studied, kept by triggers), never the records.
 */
import { sql } from "drizzle-orm";
import { rawRows } from "../raw-rows.ts";
import type { Executor } from "../types.ts";

export interface BranchStudyFigures {
  branchId: string;
  pending: number;
  overdue: number;
  /** Over items first studied on or after `yearStart`; null when none was. */
  medianLagDays: number | null;
}

/**
 * Items for every branch (scope `all`) the branch has not studied yet are pending; a pending item
 * added (or published, if later) before `overdueBefore` is overdue — as isOverdue says. Counted as
 * "all items less those studied", so the statement reads only the rows of items a branch did study.
 */
export async function branchStudyFigures(
  db: Executor,
  q: {
    orgId: string;
    branchIds: readonly string[];
    yearStart: string;
    overdueBefore: string;
    timeZone: string;
  },
): Promise<BranchStudyFigures[]> {
  if (q.branchIds.length === 0) return [];
  const ids = `{${q.branchIds.join(",")}}`;
  const rows = await rawRows(
    db,
    sql`with items as (
          select i.id, i.published_on,
                 greatest(i.published_on, (i.created_at at time zone ${q.timeZone})::date) < ${q.overdueBefore}::date as old
          from study_items i where i.org_id = ${q.orgId} and i.scope = 'all'
        ), totals as (
          select count(*) as items, count(*) filter (where old) as old_items from items
        ), studied as (
          select f.branch_id, count(*) as studied, count(*) filter (where i.old) as studied_old,
            percentile_cont(0.5) within group (order by f.first_on - i.published_on)
              filter (where f.first_on >= ${q.yearStart}::date) as median_lag
          from study_firsts f join items i on i.id = f.study_item_id
          where f.branch_id = any(${ids}::uuid[])
          group by f.branch_id
        )
        select s.*, t.items, t.old_items from totals t left join studied s on true`,
  );
  const totals = rows[0];
  const items = Number(totals?.items ?? 0);
  const oldItems = Number(totals?.old_items ?? 0);
  const byId = new Map(rows.filter((r) => r.branch_id).map((r) => [String(r.branch_id), r]));
  return q.branchIds.map((branchId) => {
    const r = byId.get(branchId);
    const lag = r?.median_lag;
    return {
      branchId,
      pending: items - Number(r?.studied ?? 0),
      overdue: oldItems - Number(r?.studied_old ?? 0),
      medianLagDays: lag === null || lag === undefined ? null : Math.round(Number(lag) * 10) / 10,
    };
  });
}
