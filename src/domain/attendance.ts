/** Who may sign in or ask for leave, and what a click records. Pure: the meeting, the member and now come in. */
import { TEXT_LIMITS, tooLong } from "./limits.ts";
import { MANAGERS_LABEL, onlyManagers } from "./permissions.ts";

export type AttendanceStatus = "present" | "leave" | "absent";
export type MeetingState = "scheduled" | "open" | "closed" | "cancelled";

export interface MeetingForAttendance {
  state: MeetingState;
  startsAt: Date;
  endsAt: Date;
}

export interface ExistingAttendance {
  status: AttendanceStatus;
  reason: string | null;
}

export type AttendanceDecision =
  | { kind: "record"; status: AttendanceStatus; late: boolean; reason: string | null; message: string }
  | { kind: "unchanged"; message: string }
  | { kind: "refused"; message: string };

function closedFor(meeting: MeetingForAttendance, asking: "sign-in" | "leave"): string | undefined {
  if (meeting.state === "cancelled") return "本次会议已取消。";
  if (meeting.state === "closed")
    return asking === "leave"
      ? `会议已结束，不能再请假。如需登记请假，请联系${MANAGERS_LABEL}更正考勤。`
      : `签到已结束。如需补签，请联系${MANAGERS_LABEL}。`;
  return undefined;
}

export function decideSignIn(
  meeting: MeetingForAttendance,
  isInvitee: boolean,
  existing: ExistingAttendance | undefined,
  now: Date,
): AttendanceDecision {
  const closed = closedFor(meeting, "sign-in");
  if (closed) return { kind: "refused", message: closed };
  if (!isInvitee) return { kind: "refused", message: "您不在本次会议的应到人员名单中，无需签到。" };
  if (existing?.status === "present") return { kind: "unchanged", message: "您已签到，无需重复操作。" };
  const late = now.getTime() > meeting.startsAt.getTime();
  // Present wins over an earlier leave request: the member came after all.
  return {
    kind: "record",
    status: "present",
    late,
    reason: null,
    message: late ? "签到成功（迟到）。" : "签到成功。",
  };
}

export function decideLeave(
  meeting: MeetingForAttendance,
  isInvitee: boolean,
  existing: ExistingAttendance | undefined,
  reason: string,
): AttendanceDecision {
  const closed = closedFor(meeting, "leave");
  if (closed) return { kind: "refused", message: closed };
  if (!isInvitee) return { kind: "refused", message: "您不在本次会议的应到人员名单中，无需请假。" };
  const why = reason.trim();
  if (!why) return { kind: "refused", message: "请填写请假事由。" };
  const tooLongReason = tooLong(TEXT_LIMITS.leaveReason, why);
  if (tooLongReason) return { kind: "refused", message: tooLongReason };
  if (existing?.status === "present") return { kind: "refused", message: "您已签到，无需请假。" };
  if (existing?.status === "leave" && existing.reason === why)
    return { kind: "unchanged", message: "已收到您的请假。" };
  return {
    kind: "record",
    status: "leave",
    late: false,
    reason: why,
    message: "请假已登记。",
  };
}

/** 补签 and other corrections after the meeting: only the branch committee or admins, with a reason for leave. */
export function decideCorrection(
  actorMayManage: boolean,
  isInvitee: boolean,
  status: AttendanceStatus,
  reason: string | undefined,
): AttendanceDecision {
  if (!actorMayManage) return { kind: "refused", message: onlyManagers("更正考勤") };
  if (!isInvitee) return { kind: "refused", message: "该同志不在本次会议的应到人员名单中。" };
  if (status === "leave" && !reason?.trim()) return { kind: "refused", message: "登记请假需要填写事由。" };
  const tooLongReason = tooLong(TEXT_LIMITS.correctionReason, reason?.trim());
  if (tooLongReason) return { kind: "refused", message: tooLongReason };
  return { kind: "record", status, late: false, reason: reason?.trim() || null, message: "考勤已更正。" };
}

export interface AttendanceCounts {
  expected: number;
  present: number;
  late: number;
  leave: number;
  /** Not signed in and not on leave (yet). */
  missing: number;
}

export function countAttendance(
  invitees: readonly string[],
  records: readonly { memberId: string; status: AttendanceStatus; late: boolean }[],
): AttendanceCounts {
  const invited = new Set(invitees);
  let present = 0;
  let late = 0;
  let leave = 0;
  for (const r of records) {
    if (!invited.has(r.memberId)) continue;
    if (r.status === "present") {
      present++;
      if (r.late) late++;
    } else if (r.status === "leave") leave++;
  }
  return { expected: invited.size, present, late, leave, missing: invited.size - present - leave };
}

/** Attendance rate as inspections count it: present over expected, leave not excused from the rate. */
export function attendanceRate(c: AttendanceCounts): number {
  return c.expected === 0 ? 0 : c.present / c.expected;
}
