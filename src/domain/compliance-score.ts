import type { BranchStatus } from "./branch-status.ts";
import { periodContaining, periodsWithin } from "./periods.ts";

/**
 * A 0–100 score per branch for the organ overview (机关情况), so the 机关党委 sees the branches that need
 * help first. It feeds the yearly assessment (星级党支部, "四强") but is not it: the weights below are a
 * default the organ can argue with, kept in one place.
 *
 *   三会一课   40 × met ÷ due this year (periods over, plus current ones already met; nothing due → 40),
 *              less 1 per meeting held below quorum this year (at most 5)
 *   出勤       20 × this year's attendance rate (no meeting held: 20 if nothing was due, else 0)
 *   第一议题   20, less 4 per overdue item (at most 12), less up to 8 as the median days from
 *              publication to study grows from 7 to 30 (items merely pending cost nothing)
 *   联系点     10 × monthly updates received ÷ expected (no liaison leader → 10; capped at 10)
 *   问题整改   10, less 2 per open problem
 *   换届       −10 once the committee's term is over without a new election on record
 * The total is floored at 0 and rounded to one decimal.
 */

export const SCORE_WEIGHTS = { meetings: 40, attendance: 20, study: 20, liaison: 10, problems: 10 } as const;
export const EXPIRED_TERM_PENALTY = 10;
const QUORUM_PENALTY_MAX = 5;
const OVERDUE_ITEM_PENALTY = 4;
const OVERDUE_PENALTY_MAX = 12;
const LAG_PENALTY_MAX = 8;
const LAG_FREE_DAYS = 7;
const LAG_WORST_DAYS = 30;
const OPEN_PROBLEM_PENALTY = 2;

/** What other features summarise for the branch, as plain numbers. */
export interface StatusExtras {
  /** 第一议题: items not yet studied, how many of them overdue, median lag this year (null: none studied). */
  study: { pending: number; overdue: number; medianLagDays: number | null };
  /** 联系点: monthly updates received this year and expected (see liaisonUpdatesExpected). */
  liaison: { updatesReceived: number; updatesExpected: number; lastVisitOn: string | null };
  /** Problems raised in liaison updates and not solved yet. */
  openProblems: number;
}

export interface ScoreParts {
  meetings: number;
  attendance: number;
  study: number;
  liaison: number;
  problems: number;
  term: number;
}

export interface ComplianceScore {
  score: number;
  parts: ScoreParts;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

export function complianceScore(
  status: Pick<BranchStatus, "cadence" | "year" | "belowQuorum" | "term">,
  extras: StatusExtras,
): ComplianceScore {
  const { due, credited } = status.cadence;
  const quorumPenalty = Math.min(QUORUM_PENALTY_MAX, status.belowQuorum.length);
  const meetings = Math.max(0, SCORE_WEIGHTS.meetings * (due === 0 ? 1 : credited / due) - quorumPenalty);
  const rate = status.year.attendance.ratePercent;
  const attendance =
    rate === null ? (due === 0 ? SCORE_WEIGHTS.attendance : 0) : (SCORE_WEIGHTS.attendance * rate) / 100;
  const { overdue, medianLagDays } = extras.study;
  const lagShare =
    medianLagDays === null
      ? 0
      : clamp((medianLagDays - LAG_FREE_DAYS) / (LAG_WORST_DAYS - LAG_FREE_DAYS), 0, 1);
  const study =
    SCORE_WEIGHTS.study -
    Math.min(OVERDUE_PENALTY_MAX, OVERDUE_ITEM_PENALTY * overdue) -
    LAG_PENALTY_MAX * lagShare;
  const { updatesReceived, updatesExpected } = extras.liaison;
  const liaison =
    updatesExpected === 0
      ? SCORE_WEIGHTS.liaison
      : SCORE_WEIGHTS.liaison * Math.min(1, updatesReceived / updatesExpected);
  const problems = Math.max(0, SCORE_WEIGHTS.problems - OPEN_PROBLEM_PENALTY * extras.openProblems);
  const term = status.term.state === "expired" ? -EXPIRED_TERM_PENALTY : 0;
  const parts = {
    meetings: round1(meetings),
    attendance: round1(attendance),
    study: round1(study),
    liaison: round1(liaison),
    problems: round1(problems),
    term,
  };
  // Summed from the rounded parts, so the figures a card shows add up to the score it shows.
  const total = parts.meetings + parts.attendance + parts.study + parts.liaison + parts.problems + term;
  return { score: round1(Math.max(0, total)), parts };
}

/**
 * Monthly liaison updates expected so far this year: one per leader per month that has ended while the
 * leader held the liaison (assigned on the month's last day). The current month's is not due yet.
 */
export function liaisonUpdatesExpected(
  today: string,
  spans: readonly { from: string; to: string | null }[],
): number {
  const months = periodsWithin(periodContaining(today, "year"), "month").filter((m) => m.end < today);
  let n = 0;
  for (const s of spans)
    n += months.filter((m) => s.from <= m.end && (s.to === null || s.to >= m.end)).length;
  return n;
}

const collator = new Intl.Collator("zh-CN");

/** Lowest score first; ties by name (pinyin order) so the list is stable from one day to the next. */
export function sortWorstFirst<T extends { score: number; name: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => a.score - b.score || collator.compare(a.name, b.name));
}
