import { coalescedQueries } from "../../db/coalesced-queries.ts";
import type { AttendanceContext } from "../../db/queries/meetings.ts";
import { type AttendanceDecision, decideLeave, decideSignIn } from "../../domain/attendance.ts";
import type { CardActionResponse } from "../../platforms/types.ts";
import type { MeetingDeps } from "./deps.ts";

interface Clicker {
  id: string;
}

function toast(decision: AttendanceDecision): CardActionResponse {
  const type = decision.kind === "refused" ? "warning" : decision.kind === "unchanged" ? "info" : "success";
  return { toast: { type, text: decision.message } };
}

/**
 * A click on the sign-in card: load what the decision needs, decide, write at most one row (the upsert
 * ignores repeats) and ask the refresher for a coalesced patch of the live counts, which runs after the
 * click is answered. `whenUnchanged` answers a write the upsert found already made.
 */
async function recordFromCard(
  deps: MeetingDeps,
  member: Clicker,
  meetingId: string,
  now: Date,
  decide: (context: AttendanceContext) => AttendanceDecision,
  whenUnchanged?: CardActionResponse,
): Promise<CardActionResponse> {
  const queries = coalescedQueries(deps.db);
  const loaded = await queries.attendanceContext({ meetingId, memberId: member.id });
  if (!loaded) return { toast: { type: "warning", text: "找不到这次会议，卡片可能已失效。" } };
  const decision = decide(loaded);
  if (decision.kind === "record") {
    const changed = await queries.writeAttendance({
      meetingId: loaded.meeting.id,
      memberId: member.id,
      status: decision.status,
      late: decision.late,
      reason: decision.reason,
      source: "card",
      recordedBy: member.id,
      at: now,
    });
    if (!changed && whenUnchanged) return whenUnchanged;
    void deps.refresher.refresh(loaded.meeting.id);
  }
  return toast(decision);
}

/** 签到. */
export function signIn(deps: MeetingDeps, member: Clicker, meetingId: string, now: Date) {
  return recordFromCard(
    deps,
    member,
    meetingId,
    now,
    ({ meeting, invited, existing }) => decideSignIn(meeting, invited, existing, now),
    { toast: { type: "info", text: "您已签到，无需重复操作。" } },
  );
}

/** 请假, with its reason from the card's form. */
export function askLeave(deps: MeetingDeps, member: Clicker, meetingId: string, reason: string, now: Date) {
  return recordFromCard(deps, member, meetingId, now, ({ meeting, invited, existing }) =>
    decideLeave(meeting, invited, existing, reason),
  );
}
