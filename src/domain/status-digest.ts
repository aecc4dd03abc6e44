import type { BranchStatus, WindowStatus } from "./branch-status.ts";
import type { ComplianceScore, StatusExtras } from "./compliance-score.ts";
import type { AttendanceFigure } from "./status-attendance.ts";
import { type KindStatus, MARK_SYMBOLS } from "./status-rows.ts";

/**
 * A branch's status card as plain lines of Chinese text: the README's example, DingTalk's markdown
 * (join with blank lines there) and the text fallback where a card cannot be sent. The card itself is
 * built in the app from the same BranchStatus.
 */

function longDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

/** 85.0% — always one decimal, as on the card. */
export function formatPercent(percent: number): string {
  return `${percent.toFixed(1)}%`;
}

export function kindLine(k: KindStatus): string {
  if (k.mark === "not_required") return `${MARK_SYMBOLS.not_required} ${k.label} 本期不作要求`;
  const quorum = k.belowQuorum > 0 ? `（${k.belowQuorum} 次出席未过半数）` : "";
  const next = k.next ? `——${k.next}` : "";
  return `${MARK_SYMBOLS[k.mark]} ${k.label} ${k.held}/${k.required}${quorum}${next}`;
}

export function attendanceLine(a: AttendanceFigure): string {
  if (a.ratePercent === null) return "出勤率：暂无（未召开会议）";
  return `出勤率：${formatPercent(a.ratePercent)}（${a.meetings} 次会议，实到 ${a.present} / 应到 ${a.expected} 人次）`;
}

function section(w: WindowStatus): string[] {
  return [`【${w.title}】`, ...w.kinds.map(kindLine), attendanceLine(w.attendance)];
}

export function studyLine(s: StatusExtras["study"]): string {
  const pending =
    s.pending === 0 ? "无待学材料" : `待学 ${s.pending} 项${s.overdue ? `，其中逾期 ${s.overdue} 项` : ""}`;
  const lag = s.medianLagDays === null ? "本年暂无学习记录" : `本年从发表到学习中位 ${s.medianLagDays} 天`;
  return `第一议题：${pending}；${lag}`;
}

export function liaisonLine(l: StatusExtras["liaison"], openProblems: number): string {
  const updates =
    l.updatesExpected === 0 && l.updatesReceived === 0
      ? "本年暂无联系领导的工作情况"
      : `本年收到工作情况 ${l.updatesReceived} 份（应 ${l.updatesExpected} 份）`;
  const visit = l.lastVisitOn ? `最近一次到支部 ${l.lastVisitOn}` : "尚无到支部调研记录";
  const problems = openProblems ? `未解决问题 ${openProblems} 个` : "无未解决问题";
  return `联系点：${updates}；${visit}；${problems}`;
}

/** The lines of a branch's status: header, 本月 / 本季度 / 本年, then the other features and 换届. */
export function statusDigestLines(
  status: BranchStatus,
  extras?: StatusExtras,
  score?: ComplianceScore,
): string[] {
  const lines = [`${status.branchName} 支部情况（截至 ${longDate(status.periodOf)}）`];
  if (score) lines.push(`综合得分：${score.score.toFixed(1)}`);
  lines.push(...section(status.month), ...section(status.quarter), ...section(status.year));
  for (const q of status.belowQuorum) lines.push(`出席未过半数：${q.message}`);
  if (extras) lines.push(studyLine(extras.study), liaisonLine(extras.liaison, extras.openProblems));
  lines.push(`换届：${status.term.message}`);
  return lines;
}

export function statusDigestText(
  status: BranchStatus,
  extras?: StatusExtras,
  score?: ComplianceScore,
): string {
  return statusDigestLines(status, extras, score).join("\n");
}
