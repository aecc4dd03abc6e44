/**
 * What the meetings feature tells others (支部情况, 机关情况) about branches' meetings, without them
 * reading its tables: each meeting with its counts, and the existing ledger card.
 */
import { branchMeetingTallies } from "../../db/queries/meeting-summary.ts";
import type { Executor } from "../../db/types.ts";
import type { StatusMeeting } from "../../domain/branch-status.ts";
import type { CardView } from "../../platforms/types.ts";
import type { MeetingDeps } from "./deps.ts";
import { meetingLedgerCard } from "./meeting-ledger.ts";

/** Each branch's meetings starting on or after the local date `from` (every branch asked is a key). */
export async function meetingSummaryFor(
  db: Executor,
  q: { branchIds: readonly string[]; from: string; timeZone: string },
): Promise<Map<string, StatusMeeting[]>> {
  const out = new Map<string, StatusMeeting[]>(q.branchIds.map((id) => [id, []]));
  for (const r of await branchMeetingTallies(db, q)) {
    out.get(r.branchId)?.push({
      id: r.id,
      kind: r.kind,
      partyGroupId: r.partyGroupId,
      heldOn: r.heldOn,
      closedOn: r.closedOn,
      state: r.state,
      expected: r.expected,
      present: r.present,
    });
  }
  return out;
}

/** The 会议记录 card (this quarter's meetings with attendance), as the 会议记录 command shows it. */
export function ledgerCardFor(
  db: MeetingDeps["db"],
  timeZone: string,
  branch: { id: string; name: string },
  now: Date,
): Promise<CardView> {
  return meetingLedgerCard({ db, timeZone }, branch, now);
}
