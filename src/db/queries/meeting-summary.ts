/**
 * What the meetings feature tells other features about a branch's meetings (src/app/meetings/summary.ts):
 * one row per meeting with its invitee and sign-in counts, read from meeting_tallies (kept by triggers,
 * see schema.ts) so that no attendance row is counted at read time.
 */
import { sql } from "drizzle-orm";
import type { MeetingKind } from "../../domain/labels.ts";
import { rawRows } from "../raw-rows.ts";
import type { Executor } from "../types.ts";

export interface MeetingTallyRow {
  id: string;
  branchId: string;
  kind: MeetingKind;
  partyGroupId: string | null;
  /** Local date of the start. */
  heldOn: string;
  /** Local date it was closed, or null. */
  closedOn: string | null;
  state: "scheduled" | "open" | "closed" | "cancelled";
  expected: number;
  present: number;
}

/**
 * Every meeting of these branches starting on or after the local date `from`, in no order. The
 * covering index meetings_status_idx (migration 0005) answers it without reading the meetings' rows;
 * dates are made local in the database.
 */
export async function branchMeetingTallies(
  db: Executor,
  q: { branchIds: readonly string[]; from: string; timeZone: string },
): Promise<MeetingTallyRow[]> {
  if (q.branchIds.length === 0) return [];
  const ids = `{${q.branchIds.join(",")}}`;
  const rows = await rawRows(
    db,
    sql`select m.id, m.branch_id, m.kind, m.party_group_id, m.state,
          (m.starts_at at time zone ${q.timeZone})::date::text as held_on,
          (m.closed_at at time zone ${q.timeZone})::date::text as closed_on,
          coalesce(t.expected, 0) as expected, coalesce(t.present, 0) as present
        from meetings m
        left join meeting_tallies t on t.meeting_id = m.id
        where m.branch_id = any(${ids}::uuid[])
          and m.starts_at >= (${q.from}::date)::timestamp at time zone ${q.timeZone}`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    branchId: String(r.branch_id),
    kind: r.kind as MeetingKind,
    partyGroupId: (r.party_group_id as string | null) ?? null,
    heldOn: String(r.held_on),
    closedOn: (r.closed_on as string | null) ?? null,
    state: r.state as MeetingTallyRow["state"],
    expected: Number(r.expected),
    present: Number(r.present),
  }));
}
