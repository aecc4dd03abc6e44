/**
 * 支部情况 and 机关情况 as platform-neutral cards: the same figures as statusDigestLines (the text a
 * platform without cards shows), with the attendance trend and the organ's scores as charts.
 */
import type { BranchStatus, WindowStatus } from "../../domain/branch-status.ts";
import type { ComplianceScore, StatusExtras } from "../../domain/compliance-score.ts";
import {
  attendanceTrendChart,
  OVERVIEW_CHART_MAX_BARS,
  overviewScoreChart,
  type StatusChart,
} from "../../domain/status-charts.ts";
import {
  attendanceLine,
  formatPercent,
  kindLine,
  liaisonLine,
  studyLine,
} from "../../domain/status-digest.ts";
import type { CardBlock, CardChart, CardTone, CardView } from "../../platforms/types.ts";

export const STATUS_ACTIONS = { ledger: "status.ledger", show: "status.show" } as const;

/** Rows an overview card lists; the rest are counted (a card must stay under the platform's size). */
export const OVERVIEW_MAX_ROWS = 30;

export interface BranchReport {
  branchId: string;
  name: string;
  status: BranchStatus;
  extras: StatusExtras;
  score: ComplianceScore;
  /** Frequencies the roster sets unlike the default, e.g. “党课 每半年至少 1 次”; shown under the card. */
  cadenceNotes?: string[];
}

function chartBlock(chart: StatusChart, fallback: string): CardChart {
  return {
    type: "chart",
    title: chart.title,
    spec: chart.spec,
    ...(chart.aspectRatio ? { aspectRatio: chart.aspectRatio } : {}),
    ...(chart.height ? { height: chart.height } : {}),
    fallback,
  };
}

function toneOf(score: number): CardTone {
  return score >= 85 ? "green" : score >= 60 ? "orange" : "red";
}

function section(w: WindowStatus): string {
  return [`**【${w.title}】**`, ...w.kinds.map(kindLine), attendanceLine(w.attendance)].join("\n");
}

function longDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

const scoreParts = (s: ComplianceScore) =>
  `三会一课 ${s.parts.meetings} · 出勤 ${s.parts.attendance} · 第一议题 ${s.parts.study} · 联系点 ${s.parts.liaison} · 问题整改 ${s.parts.problems}${s.parts.term ? ` · 换届超期 ${s.parts.term}` : ""}`;

export function trendFallback(status: BranchStatus): string {
  return status.trend
    .map((p) => `${p.label} ${p.ratePercent === null ? "无会议" : formatPercent(p.ratePercent)}`)
    .join("、");
}

/** One branch: score, this month / quarter / year, the 12-month attendance chart, 第一议题, 联系点, 换届. */
export function branchStatusCard(report: BranchReport, options: { digest?: boolean } = {}): CardView {
  const { status, extras, score } = report;
  const blocks: CardBlock[] = [
    { type: "markdown", text: `**综合得分：${score.score.toFixed(1)}**\n${scoreParts(score)}` },
    { type: "divider" },
    { type: "markdown", text: section(status.month) },
    { type: "markdown", text: section(status.quarter) },
    { type: "markdown", text: section(status.year) },
    chartBlock(attendanceTrendChart(status.trend), trendFallback(status)),
  ];
  if (status.belowQuorum.length) {
    blocks.push({
      type: "markdown",
      text: `**出席未过半数（会议照计，请注意）**\n${status.belowQuorum.map((q) => `· ${q.message}`).join("\n")}`,
    });
  }
  blocks.push(
    { type: "divider" },
    {
      type: "markdown",
      text: [
        studyLine(extras.study),
        liaisonLine(extras.liaison, extras.openProblems),
        `换届：${status.term.message}`,
      ].join("\n"),
    },
    {
      type: "buttons",
      buttons: [{ label: "查看明细", value: { action: STATUS_ACTIONS.ledger, branch: report.branchId } }],
    },
    {
      type: "note",
      text:
        `${options.digest ? "月度通报。" : ""}会议以结束签到为准计入召开月份；` +
        (report.cadenceNotes?.length ? `频次按名册规定：${report.cadenceNotes.join("、")}；` : "") +
        "出勤率 = 实到 ÷ 应到（请假计入应到）；综合得分供机关党委参考。",
    },
  );
  return {
    header: {
      title: `支部情况：${status.branchName}`,
      subtitle: `截至 ${longDate(status.periodOf)}`,
      tone: toneOf(score.score),
    },
    blocks,
  };
}

function overviewRow(r: BranchReport, n: number): string {
  const rate = r.status.year.attendance.ratePercent;
  const { due, credited } = r.status.cadence;
  const lag = r.extras.study.medianLagDays;
  const liaison =
    r.extras.liaison.updatesExpected === 0 && r.extras.liaison.updatesReceived === 0
      ? "无"
      : `${r.extras.liaison.updatesReceived}/${r.extras.liaison.updatesExpected} 份`;
  return (
    `${n}. **${r.name}** ${r.score.score.toFixed(1)} 分｜三会一课 ${credited}/${due}｜出勤 ${rate === null ? "暂无" : formatPercent(rate)}` +
    `｜第一议题 逾期 ${r.extras.study.overdue}、中位 ${lag === null ? "—" : `${lag} 天`}｜联系点 ${liaison}｜未解决问题 ${r.extras.openProblems}`
  );
}

/** Every branch as one row, worst first (pass them sorted), with the lowest scores as a bar chart. */
export function overviewCard(
  rows: readonly BranchReport[],
  scope: { title: string; asOf: string; digest?: boolean },
): CardView {
  if (rows.length === 0) {
    return {
      header: { title: `机关情况：${scope.title}`, tone: "grey" },
      blocks: [{ type: "markdown", text: "没有可统计的党支部。" }],
    };
  }
  const average = rows.reduce((n, r) => n + r.score.score, 0) / rows.length;
  const low = rows.filter((r) => r.score.score < 60).length;
  const listed = rows.slice(0, OVERVIEW_MAX_ROWS);
  const chart = overviewScoreChart(rows.map((r) => ({ name: r.name, score: r.score.score })));
  const blocks: CardBlock[] = [
    {
      type: "markdown",
      text: `共 ${rows.length} 个党支部，平均得分 **${average.toFixed(1)}**，低于 60 分 **${low}** 个。按得分从低到高：`,
    },
    chartBlock(
      chart,
      rows
        .slice(0, OVERVIEW_CHART_MAX_BARS)
        .map((r) => `${r.name} ${r.score.score.toFixed(1)}`)
        .join("、"),
    ),
    { type: "markdown", text: listed.map((r, i) => overviewRow(r, i + 1)).join("\n") },
  ];
  if (rows.length > listed.length) {
    blocks.push({
      type: "note",
      text: `仅列出得分最低的 ${listed.length} 个，另有 ${rows.length - listed.length} 个支部未列出；可发送“机关情况 党总支名”分组查看，或“支部情况 支部名”查看单个支部。`,
    });
  }
  blocks.push({
    type: "note",
    text: `${scope.digest ? "月度通报。" : ""}得分：三会一课 40、出勤 20、第一议题 20、联系点 10、问题整改 10，换届超期扣 10；供机关党委参考，不代替年度考评。`,
  });
  return {
    header: {
      title: `机关情况：${scope.title}`,
      subtitle: `截至 ${longDate(scope.asOf)}`,
      tone: low > 0 ? "orange" : "green",
    },
    blocks,
  };
}
