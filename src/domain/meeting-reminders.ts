import type { MessageTarget, PlatformName } from "../platforms/types.ts";
import { type LeavePeriod, onLeave } from "./away.ts";
import { dateTimeFormat } from "./date-format.ts";
import { type MeetingKind, meetingName } from "./labels.ts";
import { idempotencyKey, type PlannedMessage, type PlanResult } from "./reminders.ts";
import { addDays, localDate, zonedInstant } from "./time.ts";

export interface MeetingForReminder {
  id: string;
  kind: MeetingKind;
  title: string;
  startsAt: Date;
  endsAt: Date;
  state: "scheduled" | "open" | "closed" | "cancelled";
  place: string | null;
  /**
   * Where its reminders go: the branch chat, or each attendee of a 党组会/中心组 meeting (with the
   * member it reaches, so one who is away that day is not reminded).
   */
  targets: { platform: PlatformName; target: MessageTarget; memberId?: string }[];
  /**
   * When the meeting was scheduled: a reminder due before then never existed (its confirmation card is
   * the notice), unlike one missed during an outage, which is still sent while useful.
   */
  createdAt?: Date;
  /** 第一议题 items still pending for the meeting's branch or body; the reminders name them, oldest first. */
  studyItems?: { title: string; source: string; publishedOn: string }[];
}

export interface MeetingReminderInput {
  meetings: MeetingForReminder[];
  /** Minutes before the start; 0 is "starting now". */
  leadMinutes: number[];
  /** Local HH:MM on the day before the meeting for one more reminder (e.g. "16:00"); undefined for none. */
  dayBeforeAt?: string;
  now: Date;
  /** Rows are planned this far ahead of their due time, so a short outage does not delay them. */
  horizonMs: number;
  timeZone: string;
  /** Members away (外出): not reminded privately of a meeting on a day they are away. */
  leave?: readonly LeavePeriod[];
}

export const MEETING_REMINDER_KIND = "meeting.reminder";

// A "starting now" reminder that arrives later than this is noise, not help.
const STARTING_GRACE_MS = 15 * 60_000;

export const meetingSubject = (meetingId: string) => `meeting:${meetingId}`;

function formatLocal(instant: Date, timeZone: string): string {
  return dateTimeFormat("zh-CN", {
    timeZone,
    month: "long",
    day: "numeric",
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(instant);
}

/** The reminder's 第一议题 line: pending items oldest first, or nothing when none is pending. */
export function studyLine(items: MeetingForReminder["studyItems"]): string {
  if (!items || items.length === 0) return "";
  const sorted = [...items].sort(
    (a, b) => a.publishedOn.localeCompare(b.publishedOn) || a.title.localeCompare(b.title),
  );
  const names = sorted.map((i) => `《${i.title}》（${i.source}，${i.publishedOn}）`).join("、");
  return `\n第一议题：${names}，请提前准备领学。`;
}

/**
 * Reminders for upcoming meetings. Each (meeting, lead time, target) gives one message due at
 * start − lead; the slot includes the start time, so a rescheduled meeting gets fresh reminders while
 * the old ones are withdrawn, and a cancelled or closed meeting withdraws all of its own.
 */
export function planMeetingReminders(input: MeetingReminderInput): PlanResult {
  const messages: PlannedMessage[] = [];
  const live = new Map<string, string[]>();
  /** Keys not planned because their member is away: withdrawn with that reason, not as rescheduled. */
  const away = new Map<string, string[]>();
  const dropped: string[] = [];
  const planUntil = input.now.getTime() + input.horizonMs;
  const leads = [...new Set(input.leadMinutes)].sort((a, b) => b - a);

  for (const m of input.meetings) {
    const subject = meetingSubject(m.id);
    if (m.state === "cancelled" || m.state === "closed") {
      dropped.push(subject);
      continue;
    }
    const keep: string[] = [];
    live.set(subject, keep);
    const slots = reminderSlots(m, leads, input.dayBeforeAt, input.timeZone);
    for (const [i, { dueAt, slot, name, lead }] of slots.entries()) {
      if (dueAt.getTime() > planUntil) continue;
      if (m.createdAt && dueAt.getTime() < m.createdAt.getTime()) continue;
      // Each reminder is useful until the next one is due: after an outage, or for a meeting scheduled
      // at short notice, members get the nearest reminder only, not a burst of all of them.
      const closer = slots[i + 1];
      const expiresAt = slotExpiry(m, slots, i);
      const expiryReason =
        lead === 0
          ? "会议开始已超过 15 分钟，不再提醒"
          : closer === undefined || closer.lead === 0
            ? `会议已开始，${name}的提醒不再有用`
            : `已到${closer.name}提醒的时间，${name}的提醒不再发送`;
      const where = m.place ? `，地点：${m.place}` : "";
      const when = formatLocal(m.startsAt, input.timeZone);
      const text =
        (lead === 0
          ? `【会议提醒】${meetingName(m.kind, m.title)}现在开始（${when}）${where}。请准时参加并签到。`
          : `【会议提醒】${meetingName(m.kind, m.title)}将于 ${when} 开始${where}。`) +
        studyLine(m.studyItems);
      const day = localDate(m.startsAt, input.timeZone);
      for (const { platform, target, memberId } of m.targets) {
        const key = idempotencyKey({ kind: MEETING_REMINDER_KIND, subject, platform, target, slot });
        if (memberId && onLeave(input.leave ?? [], memberId, day)) {
          away.get(subject)?.push(key) ?? away.set(subject, [key]);
          continue;
        }
        keep.push(key);
        messages.push({
          idempotencyKey: key,
          kind: MEETING_REMINDER_KIND,
          subject,
          platform,
          target,
          message: { kind: "text", text },
          dueAt,
          expiresAt,
          expiryReason,
        });
      }
    }
  }

  const withdrawals = [...live].flatMap(([subject, keep]) => {
    const awayKeys = away.get(subject) ?? [];
    const rescheduled = {
      subjects: [subject],
      keep: [...keep, ...awayKeys],
      reason: "会议时间已调整，旧提醒作废",
    };
    // In this order: the second finds only the away members' rows left.
    return awayKeys.length === 0
      ? [rescheduled]
      : [rescheduled, { subjects: [subject], keep, reason: "参会人员外出，不再提醒" }];
  });
  if (dropped.length > 0) withdrawals.push({ subjects: dropped, keep: [], reason: "会议已取消或已结束" });
  return { messages, withdrawals };
}

/** A reminder is useful until the next one is due; "starting now" for a short grace after the start. */
function slotExpiry(m: { startsAt: Date; endsAt: Date }, slots: ReminderSlot[], i: number): Date {
  const slot = slots[i];
  if (slot?.lead === 0)
    return new Date(Math.min(m.startsAt.getTime() + STARTING_GRACE_MS, m.endsAt.getTime()));
  return slots[i + 1]?.dueAt ?? m.startsAt;
}

export interface ReminderPromiseInput {
  startsAt: Date;
  endsAt: Date;
  now: Date;
  leadMinutes: number[];
  dayBeforeAt?: string;
  signInLeadMinutes: number;
  timeZone: string;
  /** 党组会/中心组: reminders and the sign-in card go to each attendee privately, not to a group chat. */
  privately: boolean;
}

function leadName(lead: number): string {
  if (lead === 0) return "开始时";
  return lead % 60 === 0 ? `开始前 ${lead / 60} 小时` : `开始前 ${lead} 分钟`;
}

/**
 * What the confirmation card promises, computed from the same slots the planner sends: only the
 * reminders still ahead (the planner skips those due before the meeting was scheduled), and the
 * configured sign-in lead.
 */
export function reminderPromise(i: ReminderPromiseInput): string {
  const meeting = { startsAt: i.startsAt, endsAt: i.endsAt };
  const leads = [...new Set(i.leadMinutes)].sort((a, b) => b - a);
  const slots = reminderSlots(meeting, leads, i.dayBeforeAt, i.timeZone);
  const names: string[] = [];
  for (const slot of slots) {
    if (slot.dueAt.getTime() < i.now.getTime()) continue;
    names.push(slot.slot.startsWith("D-1@") ? slot.name : leadName(slot.lead));
  }
  const where = i.privately ? "私信提醒每位参会人员" : "在群内提醒";
  const reminders = names.length > 0 ? `${names.join("、")}${where}` : "不再发送会前提醒";
  const cardDue = i.startsAt.getTime() - i.signInLeadMinutes * 60_000;
  const card = i.privately ? "私信发送签到卡片" : "在群内发送签到卡片";
  const signIn =
    i.now.getTime() >= i.endsAt.getTime()
      ? "会议时间已过，不发送签到卡片"
      : cardDue <= i.now.getTime()
        ? `一分钟内${card}`
        : `${leadName(i.signInLeadMinutes)}${card}`;
  return `${reminders}；${signIn}。`;
}

interface ReminderSlot {
  dueAt: Date;
  slot: string;
  /** How the reminder is called in skip reasons: 提前 60 分钟 / 会前一天 16:00. */
  name: string;
  /** Minutes before the start (for the day-before reminder, as it falls). */
  lead: number;
}

/** The meeting's reminders in time order; the slot names the start, so a moved meeting gets new ones. */
function reminderSlots(
  m: { startsAt: Date },
  leads: number[],
  dayBeforeAt: string | undefined,
  timeZone: string,
): ReminderSlot[] {
  const start = m.startsAt.toISOString();
  const out: ReminderSlot[] = leads.map((lead) => ({
    dueAt: new Date(m.startsAt.getTime() - lead * 60_000),
    slot: `T-${lead}m@${start}`,
    name: `提前 ${lead} 分钟`,
    lead,
  }));
  if (dayBeforeAt) {
    const dueAt = zonedInstant(addDays(localDate(m.startsAt, timeZone), -1), dayBeforeAt, timeZone);
    out.push({
      dueAt,
      slot: `D-1@${dayBeforeAt}@${start}`,
      name: `会前一天 ${dayBeforeAt}`,
      lead: Math.round((m.startsAt.getTime() - dueAt.getTime()) / 60_000),
    });
  }
  return out.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}
