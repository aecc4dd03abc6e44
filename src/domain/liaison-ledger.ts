import type { Cell } from "./ledger.ts";
import { dayLabel, monthLabel } from "./liaison-calendar.ts";
import { filingTiming } from "./liaison-filing.ts";
import { PROBLEM_STATUS_LABELS, type ProblemStatus } from "./liaison-problems.ts";
import { CONTACT_METHOD_LABELS, CONTACT_METHODS, type Contact, IN_PERSON_METHODS } from "./liaison-report.ts";
import type { ReportMonthMode } from "./liaison-settings.ts";
import { delayDays } from "./study.ts";

/**
 * The organ's file per 联系点 (联系情况、问题反映、解决情况) as two sheets of plain cells, Chinese headers
 * first: one row per monthly report, one per problem with its status history.
 */

export interface LedgerReport {
  month: string;
  leaderName: string;
  branchName: string;
  filedOn: string | null;
  contacts: readonly Contact[];
  otherMethod: string | null;
  learned: string | null;
  guidance: string | null;
  noContactReason: string | null;
  problems: number;
  /** Local date of the last edit, when there was one. */
  editedOn: string | null;
}

export interface LedgerProblem {
  raisedOn: string;
  branchName: string;
  leaderName: string;
  month: string;
  description: string;
  ownerLabel: string | null;
  ownerName: string | null;
  status: ProblemStatus;
  resolution: string | null;
  resolvedOn: string | null;
  coordinationNeed: string | null;
  history: readonly { note: string; by: string | null }[];
}

export const LIAISON_REPORT_HEADERS = [
  "月份",
  "联系领导",
  "联系点",
  "填报日期",
  "按时/补报",
  "联系方式及日期",
  "到支部次数",
  "调研日期",
  "了解到的情况",
  "指导意见",
  "未能联系原因",
  "问题数",
  "最后修改",
];

export const LIAISON_PROBLEM_HEADERS = [
  "反映日期",
  "联系点",
  "反映人",
  "月份",
  "问题",
  "负责方",
  "负责人",
  "状态",
  "解决情况",
  "解决日期",
  "办理天数",
  "需要协调事项",
  "办理记录",
];

function contactText(r: LedgerReport): string {
  return CONTACT_METHODS.filter((m) => r.contacts.some((c) => c.method === m))
    .map((m) => {
      const label = m === "other" && r.otherMethod ? `其他（${r.otherMethod}）` : CONTACT_METHOD_LABELS[m];
      const days = r.contacts.filter((c) => c.method === m).map((c) => dayLabel(c.day));
      return `${label} ${days.join("、")}`;
    })
    .join("；");
}

export function liaisonReportRows(reports: readonly LedgerReport[], mode: ReportMonthMode): Cell[][] {
  return [
    LIAISON_REPORT_HEADERS,
    ...reports.map((r): Cell[] => [
      monthLabel(r.month),
      r.leaderName,
      r.branchName,
      r.filedOn,
      r.filedOn ? (filingTiming(r.month, mode, r.filedOn) === "on_time" ? "按时" : "补报") : null,
      r.noContactReason ? "本月未能联系" : contactText(r),
      new Set(r.contacts.filter((c) => IN_PERSON_METHODS.includes(c.method)).map((c) => c.day)).size,
      r.contacts
        .filter((c) => c.method === "research")
        .map((c) => c.day)
        .join("、") || null,
      r.learned || null,
      r.guidance || null,
      r.noContactReason,
      r.problems,
      r.editedOn,
    ]),
  ];
}

export function liaisonProblemRows(problems: readonly LedgerProblem[]): Cell[][] {
  return [
    LIAISON_PROBLEM_HEADERS,
    ...problems.map((p): Cell[] => [
      p.raisedOn,
      p.branchName,
      p.leaderName,
      monthLabel(p.month),
      p.description,
      p.ownerLabel,
      p.ownerName,
      PROBLEM_STATUS_LABELS[p.status],
      p.resolution,
      p.resolvedOn,
      p.resolvedOn ? delayDays(p.raisedOn, p.resolvedOn) : null,
      p.coordinationNeed,
      p.history.map((h) => `${h.note}${h.by ? `（${h.by}）` : ""}`).join("\n") || null,
    ]),
  ];
}
