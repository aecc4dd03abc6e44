import { lookupByLabel } from "./labels.ts";
import type { ProblemOwner } from "./liaison-problem-lines.ts";
import { delayDays } from "./study.ts";
import { addDays, isoWeekday } from "./time.ts";
import type { WorkCalendar } from "./work-calendar.ts";

/**
 * Problems raised in 联系点 updates run until each has an outcome (件件有着落，事事有回音): an owner,
 * a status, and a reply to the branch once solved. Pure rules; the app stores and sends.
 */

export const PROBLEM_STATUSES = ["open", "in_progress", "resolved", "needs_coordination"] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

export const PROBLEM_STATUS_LABELS: Record<ProblemStatus, string> = {
  open: "待处理",
  in_progress: "处理中",
  resolved: "已解决",
  needs_coordination: "需要协调",
};

export const PROBLEM_TEXT_CHARS = 1000;

/** What the app must do after a change: 事事有回音 means the raiser and the branch hear of a solution. */
export type ProblemEffect = "notify_raiser" | "reply_branch_chat" | "notify_organ_committee";

export type ProblemTransition =
  | {
      ok: true;
      status: ProblemStatus;
      /** Set when resolved. */
      resolution: string | undefined;
      resolvedOn: string | undefined;
      /** Set when coordination is asked for. */
      coordinationNeed: string | undefined;
      effects: ProblemEffect[];
      /** One line for the problem's status history (and the 问题清单 sheet). */
      historyNote: string;
    }
  | { ok: false; message: string };

/**
 * The owner's click on the problem card. 已解决 needs the 解决情况 and 需要协调 what is needed; a
 * resolved problem is final (one that comes back is raised again in a later update), and nothing goes
 * back to 待处理. 需要协调 may be sent again with a new need; the other statuses may not repeat.
 */
export function transitionProblem(
  from: ProblemStatus,
  toText: string,
  text: string,
  today: string,
): ProblemTransition {
  const to = lookupByLabel(PROBLEM_STATUS_LABELS, toText);
  const body = text.trim();
  if (!to) return { ok: false, message: `不认识的状态“${toText}”，请刷新卡片后重试。` };
  if (from === "resolved")
    return { ok: false, message: "该问题已解决，状态不能再更改；如问题再次出现，请在联系点情况中重新反映。" };
  if (to === "open") return { ok: false, message: "问题不能改回“待处理”。" };
  if (to === from && to !== "needs_coordination")
    return { ok: false, message: `该问题已是“${PROBLEM_STATUS_LABELS[to]}”。` };
  if (body.length > PROBLEM_TEXT_CHARS)
    return {
      ok: false,
      message: `说明过长（${body.length} 字，最多 ${PROBLEM_TEXT_CHARS} 字），请精简后再提交。`,
    };
  if (to === "resolved" && !body) return { ok: false, message: "标记“已解决”时，请填写解决情况。" };
  if (to === "needs_coordination" && !body)
    return { ok: false, message: "标记“需要协调”时，请写明需要协调解决的事项。" };
  const effects: ProblemEffect[] =
    to === "resolved"
      ? ["notify_raiser", "reply_branch_chat"]
      : to === "needs_coordination"
        ? ["notify_organ_committee"]
        : [];
  return {
    ok: true,
    status: to,
    resolution: to === "resolved" ? body : undefined,
    resolvedOn: to === "resolved" ? today : undefined,
    coordinationNeed: to === "needs_coordination" ? body : undefined,
    effects,
    historyNote: `${today} ${PROBLEM_STATUS_LABELS[to]}${body ? `：${body}` : ""}`,
  };
}

/** Overdue once more than `overdueDays` whole days have passed since it was raised and it is unsolved. */
export function isProblemOverdue(
  problem: { status: ProblemStatus; raisedOn: string },
  today: string,
  overdueDays: number,
): boolean {
  return problem.status !== "resolved" && delayDays(problem.raisedOn, today) > overdueDays;
}

/** ISO 8601 week of a day, e.g. 2026-W45; the week belongs to the year its Thursday is in. */
export function isoWeekKey(day: string): string {
  const thursday = addDays(day, 4 - isoWeekday(day));
  const year = thursday.slice(0, 4);
  const week = Math.floor(delayDays(`${year}-01-01`, thursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** Overdue nudges are at most weekly: seven days after the last one at the earliest. */
export const OVERDUE_NUDGE_INTERVAL_DAYS = 7;

export type OverdueNudgeDecision =
  | { due: true; slot: string }
  | { due: false; reason: "resolved" | "not_overdue" | "day_off" | "on_leave" | "nudged_recently" };

/**
 * Whether an overdue problem's owner is nudged today: a working day, not on leave, and at least 7 days
 * since the last nudge. The slot is the ISO week, so planning again the same week gives the same
 * outbox key; a nudge that expired unsent is not tried again that week.
 */
export function overdueNudgeDecision(input: {
  problem: { status: ProblemStatus; raisedOn: string };
  today: string;
  calendar: WorkCalendar;
  overdueDays: number;
  /** The day the last overdue nudge for this problem was sent or queued. */
  lastNudgedOn: string | undefined;
  ownerOnLeave: boolean;
}): OverdueNudgeDecision {
  const { problem, today } = input;
  if (problem.status === "resolved") return { due: false, reason: "resolved" };
  if (!isProblemOverdue(problem, today, input.overdueDays)) return { due: false, reason: "not_overdue" };
  if (!input.calendar.isWorkingDay(today)) return { due: false, reason: "day_off" };
  if (input.ownerOnLeave) return { due: false, reason: "on_leave" };
  if (input.lastNudgedOn && delayDays(input.lastNudgedOn, today) < OVERDUE_NUDGE_INTERVAL_DAYS)
    return { due: false, reason: "nudged_recently" };
  return { due: true, slot: isoWeekKey(today) };
}

export type OwnerResolution =
  | { kind: "owner"; memberId: string }
  /** The owner left the roster (or none could be found): the branch's 书记 takes over; audit the note. */
  | { kind: "fallback"; memberId: string; auditNote: string }
  /** Not even a 书记: the 机关党委 must assign it. */
  | { kind: "organ_committee"; auditNote: string };

export interface OwnerDirectory {
  isActive(memberId: string): boolean;
  nameOf(memberId: string): string | undefined;
  /** The branch's current 书记, if it has one in the roster. */
  secretaryOf(branchId: string): string | undefined;
  branchName(branchId: string): string;
  /** Who answers for a department named in a problem line (e.g. its branch's 书记). */
  departmentOwner(name: string): string | undefined;
}

/** The member a problem line's proposed owner means, before any fallback. */
export function proposedOwnerId(
  owner: ProblemOwner,
  ctx: { leaderId: string; branchId: string; directory: OwnerDirectory },
): string | undefined {
  if (owner.kind === "leader") return ctx.leaderId;
  if (owner.kind === "branch") return ctx.directory.secretaryOf(ctx.branchId);
  return ctx.directory.departmentOwner(owner.name);
}

/** Who answers for a problem now: its owner while in the roster, else the branch 书记, else the 机关党委. */
export function resolveProblemOwner(
  ownerId: string | undefined,
  branchId: string,
  directory: OwnerDirectory,
): OwnerResolution {
  if (ownerId && directory.isActive(ownerId)) return { kind: "owner", memberId: ownerId };
  const who = ownerId ? `原负责人${directory.nameOf(ownerId) ?? ""}已不在名册中` : "未能确定负责人";
  const branch = directory.branchName(branchId);
  const secretary = directory.secretaryOf(branchId);
  if (secretary && directory.isActive(secretary))
    return { kind: "fallback", memberId: secretary, auditNote: `${who}，改由${branch}书记负责` };
  return { kind: "organ_committee", auditNote: `${who}，且${branch}没有书记，请机关党委指定负责人` };
}
