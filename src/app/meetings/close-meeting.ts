import { recordAudit } from "../../db/queries/audit.ts";
import {
  absenteeNoteSubject,
  confirmationCardMessages,
  findMeeting,
  followUpSubject,
  listAttendance,
  listInvitees,
  listMissing,
  type MeetingRow,
  markMissingAbsent,
  transitionMeeting,
  writeAttendance,
} from "../../db/queries/meetings.ts";
import { membersByIds } from "../../db/queries/member-directory.ts";
import { withdraw } from "../../db/queries/outbox.ts";
import { decideCorrection } from "../../domain/attendance.ts";
import { type LeavePeriod, leaveOn } from "../../domain/away.ts";
import { mayManage, onlyManagers } from "../../domain/permissions.ts";
import { localDate } from "../../domain/time.ts";
import type { CardActionResponse } from "../../platforms/types.ts";
import { awayPeriods } from "../away/periods.ts";
import { responsibleFor, sendPrivately } from "../private-messages.ts";
import {
  ABSENTEE_NOTE_DELAY_MINUTES,
  absenteeCard,
  absenteeNote,
  confirmationCard,
  type MeetingView,
} from "../views/meeting-cards.ts";
import type { MeetingDeps } from "./deps.ts";
import { loadCounts, loadMeetingView } from "./meeting-view.ts";

export const ABSENTEE_REPORT_KIND = "meeting.absentee_report";
export const ABSENTEE_NOTE_KIND = "meeting.absentee_note";
export const ABSENTEE_REMINDER_KIND = "meeting.absentee_reminder";

/** Which of these members is recorded away (外出) on the meeting's day, and why. */
async function awayOnMeetingDay(
  deps: MeetingDeps,
  meeting: MeetingRow,
  members: readonly { memberId: string }[],
): Promise<(memberId: string) => LeavePeriod | undefined> {
  const day = localDate(meeting.startsAt, deps.timeZone);
  const leave = await awayPeriods(
    deps.db,
    day,
    day,
    members.map((m) => m.memberId),
  );
  return (memberId) => leaveOn(leave, memberId, day);
}

async function absenteeReport(deps: MeetingDeps, meeting: MeetingRow, view: MeetingView) {
  const [counts, missing, records, invitees] = await Promise.all([
    loadCounts(deps.db, meeting.id),
    listMissing(deps.db, meeting.id),
    listAttendance(deps.db, meeting.id),
    listInvitees(deps.db, meeting.id),
  ]);
  const names = new Map(invitees.map((i) => [i.memberId, i.name]));
  // Absent while recorded away (外出): the secretary sees why; the member gets no absence note.
  const awayOf = await awayOnMeetingDay(deps, meeting, missing);
  const missingName = (m: { memberId: string; name: string }) => {
    const away = awayOf(m.memberId);
    return away ? `${m.name}（外出：${away.reason ?? "外出"}）` : m.name;
  };
  const onLeave = records
    .filter((r) => r.status === "leave")
    .map((r) => ({ name: names.get(r.memberId) ?? "", reason: r.reason ?? "" }));
  return {
    card: absenteeCard(
      view,
      counts,
      missing.map(missingName),
      onLeave,
      invitees.map((i) => ({ memberId: i.memberId, name: i.name })),
      missing.filter((m) => awayOf(m.memberId)).length,
    ),
    missing,
    /** The absent who were not away: the ones told they missed it. */
    notAway: missing.filter((m) => !awayOf(m.memberId)),
  };
}

/**
 * The confirmation card's 请假 and 修改 are over once the meeting ends; the card is redrawn as a summary.
 * Best effort: a click on a card that missed the patch is refused with the same words anyway.
 */
async function freezeConfirmations(deps: MeetingDeps, view: MeetingView): Promise<void> {
  try {
    const messages = await confirmationCardMessages(deps.db, view.id);
    if (messages.length === 0) return;
    const card = confirmationCard(view, (await listInvitees(deps.db, view.id)).length);
    await Promise.all(
      messages.map(async (m) => {
        const adapter = deps.platforms.get(m.platform);
        if (adapter) await adapter.client.updateCard(m.messageId, card);
      }),
    );
  } catch (err) {
    deps.logger.warn("会议结束后更新确认卡片失败", { meeting: view.id, error: String(err) });
  }
}

export type CloseOutcome =
  | { kind: "closed"; meeting: MeetingRow }
  | { kind: "already"; meeting: MeetingRow }
  | { kind: "missing" };

/**
 * Ends sign-in (at the end time, or when the secretary presses 结束签到): the card is frozen with the
 * final counts, the missing are recorded absent, the secretary privately receives who was absent, and
 * each absentee without leave a note. Runs once however many times it is asked.
 */
export async function closeMeeting(
  deps: MeetingDeps,
  meetingId: string,
  actor: { id: string } | null,
  now: Date,
): Promise<CloseOutcome> {
  const closed = await deps.db.transaction(async (tx) => {
    const row = await transitionMeeting(tx, meetingId, ["scheduled", "open"], "closed", {
      actorId: actor?.id ?? null,
      actorLabel: actor ? undefined : "scheduler",
      now,
    });
    if (row) await markMissingAbsent(tx, meetingId, now);
    return row;
  });
  if (!closed) {
    const meeting = await findMeeting(deps.db, meetingId);
    return meeting ? { kind: "already", meeting } : { kind: "missing" };
  }
  void deps.refresher.refresh(closed.id);
  const view = await loadMeetingView(deps.db, closed, deps.timeZone);
  void freezeConfirmations(deps, view);
  const report = await absenteeReport(deps, closed, view);
  await sendPrivately(deps, {
    kind: ABSENTEE_REPORT_KIND,
    subject: followUpSubject(closed.id),
    slot: "close",
    memberIds: await responsibleFor(deps.db, closed),
    build: () => ({ kind: "card", card: report.card }),
    now,
  });
  await sendPrivately(deps, {
    kind: ABSENTEE_NOTE_KIND,
    subject: absenteeNoteSubject(closed.id),
    slot: "close",
    memberIds: report.notAway.map((m) => m.memberId),
    build: () => ({ kind: "text", text: absenteeNote(view) }),
    now: new Date(now.getTime() + ABSENTEE_NOTE_DELAY_MINUTES * 60_000),
  });
  await deps.events.emit("meeting.closed", { meeting: closed, now });
  deps.logger.info("会议签到已结束", {
    meeting: closed.id,
    absent: report.missing.length,
    by: actor?.id ?? "scheduler",
  });
  return { kind: "closed", meeting: closed };
}

/** The 结束签到 button: only the branch committee or admins. */
export async function closeFromCard(
  deps: MeetingDeps,
  member: { id: string; isAdmin: boolean; branchId: string; role: string },
  meetingId: string,
  now: Date,
): Promise<CardActionResponse> {
  const meeting = await findMeeting(deps.db, meetingId);
  if (!meeting) return { toast: { type: "warning", text: "找不到这次会议，卡片可能已失效。" } };
  if (!mayManage(member, meeting.branchId)) {
    return { toast: { type: "warning", text: onlyManagers("结束签到") } };
  }
  const outcome = await closeMeeting(deps, meeting.id, member, now);
  if (outcome.kind === "already") return { toast: { type: "info", text: "签到已经结束。" } };
  return { toast: { type: "success", text: "签到已结束，缺席名单已私信发给支部书记。" } };
}

/** 一键提醒 on the secretary's private absentee card. */
export async function remindAbsentees(
  deps: MeetingDeps,
  member: { id: string; isAdmin: boolean; branchId: string; role: string },
  meetingId: string,
  now: Date,
): Promise<CardActionResponse> {
  const meeting = await findMeeting(deps.db, meetingId);
  if (!meeting) return { toast: { type: "warning", text: "找不到这次会议。" } };
  if (!mayManage(member, meeting.branchId))
    return { toast: { type: "warning", text: onlyManagers("发送提醒") } };
  const absent = await listMissing(deps.db, meeting.id);
  if (absent.length === 0) return { toast: { type: "info", text: "没有需要提醒的同志。" } };
  // Whoever is recorded away (外出) on the meeting's day is not nagged about it.
  const awayOf = await awayOnMeetingDay(deps, meeting, absent);
  const missing = absent.filter((m) => !awayOf(m.memberId));
  const away = absent.filter((m) => awayOf(m.memberId)).map((m) => m.name);
  const awayText = away.length > 0 ? `${away.join("、")}当天外出，未提醒。` : "";
  if (missing.length === 0) return { toast: { type: "info", text: awayText } };
  const [sender] = await membersByIds(deps.db, [member.id]);
  const view = await loadMeetingView(deps.db, meeting, deps.timeZone);
  // One message each: the automatic note, if still waiting, gives way to the secretary's reminder.
  await withdraw(
    deps.db,
    { subjects: [absenteeNoteSubject(meeting.id)], keep: [], reason: "书记已一键提醒，系统缺席通知不再发送" },
    now,
  );
  const reachable = new Set(
    (
      await deps.recipients.members(
        deps.db,
        missing.map((m) => m.memberId),
      )
    ).map((a) => a.recipient),
  );
  const queued = await sendPrivately(deps, {
    kind: ABSENTEE_REMINDER_KIND,
    subject: followUpSubject(meeting.id),
    slot: "remind",
    memberIds: missing.map((m) => m.memberId),
    build: () => ({
      kind: "text",
      text: `${sender?.name ?? "支部书记"}提醒您：您未参加${view.title}，请尽快说明情况并补学会议内容。`,
    }),
    now,
  });
  const unreachable = missing.filter((m) => !reachable.has(m.memberId)).map((m) => m.name);
  const notReachable = unreachable.length > 0 ? `${unreachable.join("、")}未登记聊天账号，无法私信。` : "";
  if (queued === 0)
    return {
      toast: { type: "info", text: (reachable.size > 0 ? "已经提醒过了。" : notReachable) + awayText },
    };
  return {
    toast: { type: "success", text: `正在私信提醒 ${reachable.size} 位同志。${notReachable}${awayText}` },
  };
}

/**
 * 补签/更正 from the secretary's private card, after the meeting closed: only the branch committee or
 * admins, only for invitees, with a reason for leave; the change goes to the audit log.
 */
export async function correctAttendance(
  deps: MeetingDeps,
  actor: { id: string; isAdmin: boolean; branchId: string; role: string },
  meetingId: string,
  form: { member: string; status: string; reason: string },
  now: Date,
): Promise<CardActionResponse> {
  const meeting = await findMeeting(deps.db, meetingId);
  if (!meeting) return { toast: { type: "warning", text: "找不到这次会议。" } };
  const status =
    form.status === "present" || form.status === "leave" || form.status === "absent"
      ? form.status
      : undefined;
  if (!status) return { toast: { type: "warning", text: "请选择出勤情况。" } };
  const invitees = await listInvitees(deps.db, meeting.id);
  const target = invitees.find((i) => i.memberId === form.member);
  const decision = decideCorrection(mayManage(actor, meeting.branchId), Boolean(target), status, form.reason);
  if (decision.kind !== "record" || !target) return { toast: { type: "warning", text: decision.message } };
  if (meeting.state !== "closed")
    return { toast: { type: "info", text: "会议尚未结束，请让本人在签到卡片上签到或请假。" } };
  const before = (await listAttendance(deps.db, meeting.id)).find((r) => r.memberId === target.memberId);
  await deps.db.transaction(async (tx) => {
    await writeAttendance(tx, {
      meetingId: meeting.id,
      memberId: target.memberId,
      status,
      late: false,
      reason: decision.reason,
      source: "correction",
      recordedBy: actor.id,
      at: now,
    });
    await recordAudit(tx, {
      orgId: meeting.orgId,
      actorId: actor.id,
      action: "correct-attendance",
      entity: "attendance",
      entityId: `${meeting.id}:${target.memberId}`,
      before: before ? { status: before.status, reason: before.reason } : null,
      after: { status, reason: decision.reason },
      at: now,
    });
  });
  void deps.refresher.refresh(meeting.id);
  const label = { present: "出席", leave: "请假", absent: "缺席" }[status];
  return { toast: { type: "success", text: `已将 ${target.name} 更正为“${label}”。` } };
}
