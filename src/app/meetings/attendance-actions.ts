import { coalescedQueries } from "../../db/coalesced-queries.ts";
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
 * 签到 / 请假 on the sign-in card. Each click writes at most one row (the upsert ignores repeats) and asks
 * the refresher for a coalesced patch of the live counts, which runs after the click is answered.
 */
export async function signIn(
  deps: MeetingDeps,
  member: Clicker,
  meetingId: string,
  now: Date,
): Promise<CardActionResponse> {
  const queries = coalescedQueries(deps.db);
  const loaded = await queries.attendanceContext({ meetingId, memberId: member.id });
  if (!loaded) return { toast: { type: "warning", text: "找不到这次会议，卡片可能已失效。" } };
  const { meeting, invited, existing } = loaded;
  const decision = decideSignIn(meeting, invited, existing, now);
  if (decision.kind === "record") {
    const changed = await queries.writeAttendance({
      meetingId: meeting.id,
      memberId: member.id,
      status: decision.status,
      late: decision.late,
      reason: decision.reason,
      source: "card",
      recordedBy: member.id,
      at: now,
    });
    if (!changed) return { toast: { type: "info", text: "您已签到，无需重复操作。" } };
    void deps.refresher.refresh(meeting.id);
  }
  return toast(decision);
}

export async function askLeave(
  deps: MeetingDeps,
  member: Clicker,
  meetingId: string,
  reason: string,
  now: Date,
): Promise<CardActionResponse> {
  const queries = coalescedQueries(deps.db);
  const loaded = await queries.attendanceContext({ meetingId, memberId: member.id });
  if (!loaded) return { toast: { type: "warning", text: "找不到这次会议，卡片可能已失效。" } };
  const { meeting, invited, existing } = loaded;
  const decision = decideLeave(meeting, invited, existing, reason);
  if (decision.kind === "record") {
    await queries.writeAttendance({
      meetingId: meeting.id,
      memberId: member.id,
      status: "leave",
      late: false,
      reason: decision.reason,
      source: "card",
      recordedBy: member.id,
      at: now,
    });
    void deps.refresher.refresh(meeting.id);
  }
  return toast(decision);
}
