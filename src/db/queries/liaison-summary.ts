/** The read side of 联系点 other features may use (支部情况): a few figures per branch, no rows. */
import { sql } from "drizzle-orm";
import { rawRows } from "../raw-rows.ts";
import type { Executor } from "../types.ts";

export interface LiaisonBranchFigures {
  branchId: string;
  reportsThisYear: number;
  lastVisitOn: string | null;
  openProblems: number;
  overdueProblems: number;
}

/**
 * Per branch: filed reports about months of `year`, the last in-person contact day on file (any year),
 * unresolved problems, and those of them raised more than `overdueDays` days before `today`.
 */
export async function liaisonBranchFigures(
  db: Executor,
  input: {
    branchIds: readonly string[];
    year: number;
    today: string;
    overdueDays: number;
    inPerson: readonly string[];
  },
): Promise<LiaisonBranchFigures[]> {
  if (input.branchIds.length === 0) return [];
  const ids = sql.join(
    input.branchIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const methods = sql.join(
    input.inPerson.map((m) => sql`${m}`),
    sql`, `,
  );
  const from = `${input.year}-01-01`;
  const to = `${input.year}-12-01`;
  const rows = await rawRows(
    db,
    sql`
    select b.id as branch_id,
      (select count(*)::int from liaison_reports r
        where r.branch_id = b.id and r.filed_on is not null and r.month between ${from}::date and ${to}::date
      ) as reports_this_year,
      (select max((c->>'day'))::text from liaison_reports r, jsonb_array_elements(r.contacts) c
        where r.branch_id = b.id and c->>'method' in (${methods})
      ) as last_visit_on,
      (select count(*)::int from liaison_problems p where p.branch_id = b.id and p.status <> 'resolved'
      ) as open_problems,
      (select count(*)::int from liaison_problems p where p.branch_id = b.id and p.status <> 'resolved'
        and p.raised_on < ${input.today}::date - ${input.overdueDays}::int
      ) as overdue_problems
    from branches b where b.id in (${ids})
  `,
  );
  return rows.map((r) => ({
    branchId: String(r.branch_id),
    reportsThisYear: Number(r.reports_this_year),
    lastVisitOn: r.last_visit_on == null ? null : String(r.last_visit_on),
    openProblems: Number(r.open_problems),
    overdueProblems: Number(r.overdue_problems),
  }));
}
