/**
 * What the 第一议题 feature tells other features about branches (src/app/study/summary.ts): items
 * pending, how many of them overdue, and the median days from publication to first study this year —
 * aggregated in one statement for any number of branches.
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
 * Items for every branch (scope `all`) the branch has not studied in any meeting yet are pending; a
 * pending item added (or published, if later) before `overdueBefore` is overdue — as isOverdue says.
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
                 greatest(i.published_on, (i.created_at at time zone ${q.timeZone})::date) as since
          from study_items i where i.org_id = ${q.orgId} and i.scope = 'all'
        ), firsts as (
          select m.branch_id, r.study_item_id, min((m.starts_at at time zone ${q.timeZone})::date) as studied_on
          from meetings m join first_agenda_records r on r.meeting_id = m.id
          where m.branch_id = any(${ids}::uuid[])
          group by m.branch_id, r.study_item_id
        )
        select b.id as branch_id,
          count(i.id) filter (where f.studied_on is null) as pending,
          count(i.id) filter (where f.studied_on is null and i.since < ${q.overdueBefore}::date) as overdue,
          percentile_cont(0.5) within group (order by f.studied_on - i.published_on)
            filter (where f.studied_on >= ${q.yearStart}::date) as median_lag
        from unnest(${ids}::uuid[]) as b(id)
        cross join items i
        left join firsts f on f.branch_id = b.id and f.study_item_id = i.id
        group by b.id`,
  );
  const byId = new Map(rows.map((r) => [String(r.branch_id), r]));
  return q.branchIds.map((branchId) => {
    const r = byId.get(branchId);
    const lag = r?.median_lag;
    return {
      branchId,
      pending: Number(r?.pending ?? 0),
      overdue: Number(r?.overdue ?? 0),
      medianLagDays: lag === null || lag === undefined ? null : Math.round(Number(lag) * 10) / 10,
    };
  });
}
