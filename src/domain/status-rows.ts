import type { BranchMeetingKind, CadenceRule } from "./cadence.ts";
import { requiredIn } from "./cadence.ts";
import { MEETING_KIND_LABELS, type MeetingKind } from "./labels.ts";
import {
  currentPeriodWord,
  type Period,
  type PeriodUnit,
  periodName,
  periodsWithin,
  phaseOf,
} from "./periods.ts";

/**
 * One line of the status card — a meeting kind, or 党小组会 of one 党小组 — judged over a window
 * (this month / quarter / year) period by period of its rule. Used by branch-status.ts.
 */

export interface StatusMeeting {
  id: string;
  kind: MeetingKind;
  partyGroupId: string | null;
  /** Local date the meeting took place (its start): the period it counts for, even if closed later. */
  heldOn: string;
  /** Local date it was closed; null while scheduled or open. */
  closedOn: string | null;
  state: "scheduled" | "open" | "closed" | "cancelled";
  /** Invitees, fixed when it was scheduled. */
  expected: number;
  present: number;
}

export interface StatusPartyGroup {
  id: string;
  name: string;
  createdOn: string;
}

export type Mark = "met" | "in_progress" | "missed" | "not_required";

/**
 * ✔ every period in the window met so far and nothing left; ⚠️ nothing missed yet but a period still
 * open (current or to come) is not met; ✗ a period already over was not met — that cannot be made up,
 * so ✗ is kept for it and never used for a period still running, however late in it we are.
 */
export const MARK_SYMBOLS: Record<Mark, string> = {
  met: "✔",
  in_progress: "⚠️",
  missed: "✗",
  not_required: "—",
};

export type WindowScope = "month" | "quarter" | "year";

export interface KindStatus {
  kind: BranchMeetingKind;
  /** 支部委员会, or 第二党小组 党小组会. */
  label: string;
  partyGroupId: string | null;
  rule: CadenceRule;
  held: number;
  /** Over the whole window, prorated from the branch's (or 党小组's) creation. */
  required: number;
  /** Held in the window with no more than half present: counted, but flagged. */
  belowQuorum: number;
  mark: Mark;
  /** What is missing, in Chinese, or undefined when nothing is. */
  next: string | undefined;
}

export interface Row {
  kind: BranchMeetingKind;
  rule: CadenceRule;
  group: StatusPartyGroup | undefined;
  /** The later of the branch's and the 党小组's creation. */
  activeFrom: string;
  /** Held meetings of this kind (and 党小组) only. */
  meetings: StatusMeeting[];
}

/** Quorum: more than half of those who should attend are present; exactly half is not enough. */
export function hasQuorum(present: number, expected: number): boolean {
  return expected > 0 && present * 2 > expected;
}

/** Held = closed with someone present. Cancelled, open, scheduled or empty meetings do not count. */
export function isHeld(m: StatusMeeting, today: string): boolean {
  return m.state === "closed" && m.closedOn !== null && m.present > 0 && m.heldOn <= today;
}

/** The verb a Chinese sentence uses with each kind: 召开 a meeting, 开展 a 党课 or 主题党日. */
const VERBS: Record<BranchMeetingKind, string> = {
  general_assembly: "召开",
  committee: "召开",
  party_group: "召开",
  party_lecture: "开展",
  theme_day: "开展",
  org_life: "召开",
  member_review: "开展",
};

const within = (m: StatusMeeting, p: Period) => m.heldOn >= p.start && m.heldOn <= p.end;

function subStatus(row: Row, window: Period, today: string) {
  return periodsWithin(window, row.rule.per).map((p) => ({
    p,
    held: row.meetings.filter((m) => within(m, p)).length,
    req: requiredIn(row.rule, p, row.activeFrom),
    phase: phaseOf(p, today),
  }));
}

interface Gaps {
  /** Periods over and not met: “2月、4月未召开支部委员会”. */
  past: string[];
  /** The current period, not met yet: “本月尚未召开支部委员会”. */
  current: string | undefined;
}

function gaps(row: Row, subs: ReturnType<typeof subStatus>): Gaps {
  const what = MEETING_KIND_LABELS[row.kind];
  const verb = VERBS[row.kind];
  const who = row.group?.name ?? "";
  const missed = subs.filter((s) => s.phase === "past" && s.held < s.req);
  const past: string[] = [];
  const none = missed.filter((s) => s.held === 0).map((s) => periodName(s.p));
  if (none.length) past.push(`${who}${none.join("、")}未${verb}${what}`);
  for (const s of missed.filter((s) => s.held > 0))
    past.push(`${who}${periodName(s.p)}${what}仅${verb} ${s.held} 次，应${verb} ${s.req} 次`);
  const c = subs.find((s) => s.phase === "current" && s.held < s.req);
  if (!c) return { past, current: undefined };
  const word = currentPeriodWord(c.p);
  const current =
    c.held === 0
      ? `${who}${word}尚未${verb}${what}`
      : `${who}${word}${what}已${verb} ${c.held} 次，还需 ${c.req - c.held} 次`;
  return { past, current };
}

/** The section that tells a rule's current period: the smallest window its period fits in. */
function homeScope(per: PeriodUnit): WindowScope {
  return per === "month" ? "month" : per === "quarter" ? "quarter" : "year";
}

export function kindStatus(row: Row, window: Period, scope: WindowScope, today: string): KindStatus {
  const subs = subStatus(row, window, today);
  const held = subs.reduce((n, s) => n + s.held, 0);
  const required = subs.reduce((n, s) => n + s.req, 0);
  const missed = subs.some((s) => s.phase === "past" && s.held < s.req);
  const open = subs.some((s) => s.phase !== "past" && s.held < s.req);
  const mark: Mark =
    required === 0 ? (held > 0 ? "met" : "not_required") : missed ? "missed" : open ? "in_progress" : "met";
  const g = gaps(row, subs);
  // The current period's gap is told once, in the section named after it (本月 / 本季度 / 本年).
  const lines = homeScope(row.rule.per) === scope && g.current ? [...g.past, g.current] : g.past;
  const what = MEETING_KIND_LABELS[row.kind];
  return {
    kind: row.kind,
    label: row.group ? `${row.group.name} ${what}` : what,
    partyGroupId: row.group?.id ?? null,
    rule: row.rule,
    held,
    required,
    belowQuorum: row.meetings.filter((m) => within(m, window) && !hasQuorum(m.present, m.expected)).length,
    mark,
    next: lines.length ? lines.join("；") : undefined,
  };
}

/** What to do now first (current periods, in rule order), then what was missed earlier this year. */
export function gapLines(rows: Row[], year: Period, today: string): string[] {
  const all = rows.map((r) => gaps(r, subStatus(r, year, today)));
  return [...all.flatMap((g) => (g.current ? [g.current] : [])), ...all.flatMap((g) => g.past)];
}

/** Past periods count in full; a current one only for what is already held (it is not late yet). */
export function yearCadence(rows: Row[], year: Period, today: string): { due: number; credited: number } {
  let due = 0;
  let credited = 0;
  for (const row of rows) {
    for (const s of subStatus(row, year, today)) {
      if (s.phase === "future") continue;
      const met = Math.min(s.req, s.held);
      due += s.phase === "past" ? s.req : met;
      credited += met;
    }
  }
  return { due, credited };
}
