import { type TermStatus, termStatus } from "./branch-term.ts";
import { type CadenceRules, PER_PARTY_GROUP } from "./cadence.ts";
import { BRANCH_MEETING_KINDS, MEETING_KIND_LABELS, type MeetingKind } from "./labels.ts";
import { monthsEnding, nests, type Period, periodContaining, periodName } from "./periods.ts";
import {
  type AttendanceFigure,
  attendanceFigure,
  attendanceTrend,
  TREND_MONTHS,
  type TrendPoint,
} from "./status-attendance.ts";
import {
  gapLines,
  hasQuorum,
  isHeld,
  type KindStatus,
  kindStatus,
  type Row,
  type StatusMeeting,
  type StatusPartyGroup,
  type WindowScope,
  yearCadence,
} from "./status-rows.ts";

export type { KindStatus, Mark, StatusMeeting, StatusPartyGroup, WindowScope } from "./status-rows.ts";
export { hasQuorum, isHeld, MARK_SYMBOLS } from "./status-rows.ts";

/**
 * 支部情况: meetings held against the cadence rules for this month, quarter and year, attendance, and
 * the committee's term. Pure: the app loads the data, `today` is a local date.
 */

export interface StatusBranch {
  id: string;
  name: string;
  /** Local date the branch was set up (or first recorded): requirements start here. */
  createdOn: string;
  termYears: number;
  electedOn: string | null;
  /** Active 党小组 only. */
  partyGroups: StatusPartyGroup[];
}

export interface BranchStatusInput {
  branch: StatusBranch;
  /** Every meeting of the branch held on or after `statusDataFrom(periodOf ?? today)`; earlier ones are ignored. */
  meetings: StatusMeeting[];
  today: string;
  /**
   * The day whose month, quarter and year are shown; today when omitted. The monthly digest passes the
   * last day of last month (today being in the new one), so last month is judged as over: ✔ or ✗.
   */
  periodOf?: string;
  rules: CadenceRules;
}

export interface WindowStatus {
  scope: WindowScope;
  period: Period;
  /** 本月（3月）, or just 3月 for a period already over (the monthly digest). */
  title: string;
  kinds: KindStatus[];
  attendance: AttendanceFigure;
}

export interface QuorumFlag {
  meetingId: string;
  kind: MeetingKind;
  heldOn: string;
  present: number;
  expected: number;
  message: string;
}

export interface BranchStatus {
  branchId: string;
  branchName: string;
  today: string;
  /** The day whose periods are shown (today unless a digest asked for last month). */
  periodOf: string;
  month: WindowStatus;
  quarter: WindowStatus;
  year: WindowStatus;
  trend: TrendPoint[];
  term: TermStatus;
  /** Held this year with no more than half of those expected present. */
  belowQuorum: QuorumFlag[];
  /** Every line saying what is missing: current periods first, then earlier gaps, then 换届. */
  nextSteps: string[];
  /** This year's requirements that are due (periods over, or current ones already met) and met. */
  cadence: { due: number; credited: number };
}

const BRANCH_KINDS: ReadonlySet<MeetingKind> = new Set(BRANCH_MEETING_KINDS);
const WINDOW_NAMES: Record<WindowScope, string> = { month: "本月", quarter: "本季度", year: "本年" };

function rowsFor(input: BranchStatusInput, held: StatusMeeting[]): Row[] {
  const { branch, rules } = input;
  const rows: Row[] = [];
  for (const kind of BRANCH_MEETING_KINDS) {
    const rule = rules[kind];
    if (!rule) continue;
    const ofKind = held.filter((m) => m.kind === kind);
    if (!PER_PARTY_GROUP.has(kind)) {
      rows.push({ kind, rule, group: undefined, activeFrom: branch.createdOn, meetings: ofKind });
      continue;
    }
    // 党小组会 without a 党小组 on record counts for none: each group is judged on its own meetings.
    for (const group of branch.partyGroups) {
      const activeFrom = group.createdOn > branch.createdOn ? group.createdOn : branch.createdOn;
      const meetings = ofKind.filter((m) => m.partyGroupId === group.id);
      rows.push({ kind, rule, group, activeFrom, meetings });
    }
  }
  return rows;
}

/** The earliest meeting date the status reads: the 12-month trend reaches further back than 1 January. */
export function statusDataFrom(today: string): string {
  return monthsEnding(today, TREND_MONTHS)[0]?.start ?? periodContaining(today, "year").start;
}

function quorumFlag(m: StatusMeeting, groups: readonly StatusPartyGroup[]): QuorumFlag {
  const { id, kind, heldOn, present, expected } = m;
  const group = groups.find((g) => g.id === m.partyGroupId && kind === "party_group");
  const what = `${group ? `${group.name} ` : ""}${MEETING_KIND_LABELS[kind]}`;
  const message = `${heldOn} ${what}实到 ${present} 人，未超过应到 ${expected} 人的半数`;
  return { meetingId: id, kind, heldOn, present, expected, message };
}

export function branchStatus(input: BranchStatusInput): BranchStatus {
  const { branch, today } = input;
  const periodOf = input.periodOf ?? today;
  // Attendance reads every held branch meeting, required kind or not (e.g. 主题党日 an organ switched off);
  // 党组会 and 中心组 belong to the organ, not to the branch.
  const held = input.meetings.filter((m) => BRANCH_KINDS.has(m.kind) && isHeld(m, today));
  const rows = rowsFor(input, held);
  const windowStatus = (scope: WindowScope): WindowStatus => {
    const period = periodContaining(periodOf, scope);
    const kinds = rows
      .filter((r) => nests(r.rule.per, scope))
      .map((r) => kindStatus(r, period, scope, today));
    const inPeriod = held.filter((m) => m.heldOn >= period.start && m.heldOn <= period.end);
    const name = periodName(period);
    const title = period.end < today ? name : `${WINDOW_NAMES[scope]}（${name}）`;
    return { scope, period, title, kinds, attendance: attendanceFigure(inPeriod) };
  };
  const month = windowStatus("month");
  const quarter = windowStatus("quarter");
  const year = windowStatus("year");
  const term = termStatus(branch.electedOn, branch.termYears, today);
  const nextSteps = [...gapLines(rows, year.period, today), ...(term.state === "ok" ? [] : [term.message])];
  return {
    branchId: branch.id,
    branchName: branch.name,
    today,
    periodOf,
    month,
    quarter,
    year,
    trend: attendanceTrend(held, periodOf),
    term,
    belowQuorum: held
      .filter((m) => m.heldOn >= year.period.start && m.heldOn <= year.period.end)
      .filter((m) => !hasQuorum(m.present, m.expected))
      .sort((a, b) => a.heldOn.localeCompare(b.heldOn))
      .map((m) => quorumFlag(m, branch.partyGroups)),
    nextSteps: [...new Set(nextSteps)],
    cadence: yearCadence(rows, year.period, today),
  };
}
