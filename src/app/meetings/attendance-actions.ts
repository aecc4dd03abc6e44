import { coalescedQueries } from "../../db/coalesced-queries.ts";
import { type AttendanceContext, followUpSubject } from "../../db/queries/meetings.ts";
import { membersByIds } from "../../db/queries/member-directory.ts";
import { type AttendanceDecision, decideLeave, decideSignIn } from "../../domain/attendance.ts";
import { meetingName } from "../../domain/labels.ts";
import type { CardActionResponse } from "../../platforms/types.ts";
import { responsibleFor, sendPrivately } from "../private-messages.ts";
import { formatPeriod } from "../views/format.ts";
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

export const LEAVE_NOTICE_KIND = "meeting.leave_notice";

/**
 * 请假, with its reason from the card's form. The secretary is told privately at once (through the
 * outbox, keyed by member and reason, so a repeated click never tells twice), and the answer says
 * so only when a message was really queued.
 */
export async function askLeave(
  deps: MeetingDeps,
  member: Clicker,
  meetingId: string,
  reason: string,
  now: Date,
): Promise<CardActionResponse> {
  let context: AttendanceContext | undefined;
  const answer = await recordFromCard(deps, member, meetingId, now, (loaded) => {
    context = loaded;
    return decideLeave(loaded.meeting, loaded.invited, loaded.existing, reason);
  });
  if (!context) return answer;
  // A repeated click re-queues the notice (a no-op when it was queued), in case the first one failed after the write.
  const repeated = answer.toast?.type === "info" && context.existing?.status === "leave";
  if (answer.toast?.type !== "success" && !repeated) return answer;
  const { meeting } = context;
  const why = reason.trim();
  const secretaries = (await responsibleFor(deps.db, meeting)).filter((id) => id !== member.id);
  if (secretaries.length === 0)
    return repeated ? answer : { toast: { type: "success", text: "请假已登记。" } };
  const [who] = await membersByIds(deps.db, [member.id]);
  const queued = await sendPrivately(deps, {
    kind: LEAVE_NOTICE_KIND,
    subject: followUpSubject(meeting.id),
    slot: `leave:${member.id}:${why}`,
    memberIds: secretaries,
    build: () => ({
      kind: "text",
      text: `【请假】${who?.name ?? "一位同志"}请假，不参加${meetingName(meeting.kind, meeting.title)}（${formatPeriod(meeting.startsAt, meeting.endsAt, deps.timeZone)}）。事由：${why}`,
    }),
    now,
  });
  if (repeated) return answer;
  if (queued > 0) return { toast: { type: "success", text: "请假已登记，正在私信告知支部书记。" } };
  const reachable = await deps.recipients.members(deps.db, secretaries);
  return reachable.length > 0
    ? { toast: { type: "success", text: "请假已登记，已告知支部书记。" } }
    : {
        toast: {
          type: "success",
          text: "请假已登记。支部书记未登记聊天账号，无法私信告知，会后名单中可见。",
        },
      };
}
