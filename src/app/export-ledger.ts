import writeXlsxFile, { type SheetData } from "write-excel-file/node";
import { findBranchByCodeOrName, listAllActiveBranches } from "../db/queries/branch-chats.ts";
import { loadLedger } from "../db/queries/ledger.ts";
import { problemsOfBranches, reportsOfBranches } from "../db/queries/liaison.ts";
import type { Database } from "../db/types.ts";
import { buildLedgerRows, type Cell } from "../domain/ledger.ts";
import { monthOf } from "../domain/liaison-calendar.ts";
import { liaisonProblemRows, liaisonReportRows } from "../domain/liaison-ledger.ts";
import type { ReportMonthMode } from "../domain/liaison-settings.ts";
import { isValidDate } from "../domain/roster.ts";
import { addDays, localDate, zonedInstant } from "../domain/time.ts";

export class ExportError extends Error {}

export interface LedgerExportRequest {
  /** A branch id from the roster or its name; a 党总支 exports all its branches. Omitted: every branch. */
  branch?: string;
  /** Inclusive local dates, YYYY-MM-DD. */
  from: string;
  to: string;
  timeZone: string;
  /** LIAISON_REPORT_MONTH: decides which filings were on time (按时/补报). */
  liaisonReportMonth?: ReportMonthMode;
}

/** `wrapColumns`: columns of multi-line text (notes, measures), wrapped in their cells. */
function sheetRows(rows: Cell[][], wrapColumns: ReadonlySet<number> = new Set()): SheetData {
  return rows.map((row, i) =>
    row.map((value, column) =>
      i === 0
        ? { value: String(value), fontWeight: "bold" as const, backgroundColor: "#EDEDED" }
        : value === null
          ? null
          : wrapColumns.has(column)
            ? { value, wrap: true }
            : { value },
    ),
  );
}

/**
 * Writes the meeting ledger (会议台账) as an Excel workbook: a sheet of meetings, one of attendance and
 * one of 第一议题 (what each meeting studied, how many days after publication, who led, the measures),
 * then the 联系点 file: 联系点月报 (one row per monthly report about a month in the period) and 问题清单
 * (one row per problem raised in the period, with its status history).
 */
export async function exportMeetingLedger(
  db: Database,
  req: LedgerExportRequest,
): Promise<{ buffer: Buffer; meetings: number; studies: number; branchNames: string[] }> {
  if (!isValidDate(req.from)) throw new ExportError(`--from：日期 “${req.from}” 无效，应为 YYYY-MM-DD`);
  if (!isValidDate(req.to)) throw new ExportError(`--to：日期 “${req.to}” 无效，应为 YYYY-MM-DD`);
  if (req.to < req.from) throw new ExportError(`--to ${req.to} 早于 --from ${req.from}`);

  let scope = await listAllActiveBranches(db);
  if (req.branch) {
    const wanted = req.branch;
    const picked = await findBranchByCodeOrName(db, wanted);
    if (!picked) throw new ExportError(`找不到支部 “${wanted}”（可用名册中的编号或全称）`);
    scope =
      picked.kind === "general_branch"
        ? scope.filter((b) => b.parentId === picked.id || b.id === picked.id)
        : [picked];
  }
  const from = zonedInstant(req.from, "00:00", req.timeZone);
  const to = zonedInstant(addDays(req.to, 1), "00:00", req.timeZone);
  const data = await loadLedger(db, { branchIds: scope.map((b) => b.id), from, to });
  const rows = buildLedgerRows({ ...data, timeZone: req.timeZone });
  const branchIds = scope.map((b) => b.id);
  const reports = await reportsOfBranches(db, branchIds, monthOf(req.from), monthOf(req.to));
  const problems = (await problemsOfBranches(db, branchIds)).filter(
    (p) => p.raisedOn >= req.from && p.raisedOn <= req.to,
  );
  const liaisonReports = liaisonReportRows(
    reports.map(({ report: r, leaderName, branchName }) => {
      const edited = r.updatedAt.getTime() > (r.submittedAt ?? r.createdAt).getTime();
      return {
        month: r.month,
        leaderName,
        branchName,
        filedOn: r.filedOn,
        contacts: r.contacts,
        otherMethod: r.otherMethod,
        learned: r.learned,
        guidance: r.guidance,
        noContactReason: r.noContactReason,
        problems: problems.filter((p) => p.reportId === r.id).length,
        editedOn: edited ? localDate(r.updatedAt, req.timeZone) : null,
      };
    }),
    req.liaisonReportMonth ?? "previous",
  );
  const liaisonProblems = liaisonProblemRows(problems);
  const buffer = await writeXlsxFile([
    {
      data: sheetRows(rows.meetings),
      sheet: "会议",
      columns: [6, 20, 14, 24, 12, 10, 10, 18, 10, 10, 10, 10, 10, 10, 10, 40].map((width) => ({ width })),
      stickyRowsCount: 1,
    },
    {
      data: sheetRows(rows.attendance),
      sheet: "考勤",
      columns: [12, 20, 24, 10, 10, 10, 10, 20, 18, 16, 10].map((width) => ({ width })),
      stickyRowsCount: 1,
    },
    {
      data: sheetRows(rows.studies, new Set([9, 10])),
      sheet: "第一议题",
      columns: [12, 20, 24, 36, 14, 12, 10, 10, 12, 40, 48].map((width) => ({ width })),
      stickyRowsCount: 1,
    },
    {
      data: sheetRows(liaisonReports, new Set([5, 8, 9, 10])),
      sheet: "联系点月报",
      columns: [12, 10, 20, 12, 10, 36, 10, 14, 48, 40, 24, 8, 12].map((width) => ({ width })),
      stickyRowsCount: 1,
    },
    {
      data: sheetRows(liaisonProblems, new Set([4, 8, 11, 12])),
      sheet: "问题清单",
      columns: [12, 20, 10, 12, 40, 18, 10, 10, 40, 12, 10, 30, 48].map((width) => ({ width })),
      stickyRowsCount: 1,
    },
  ]).toBuffer();
  return {
    buffer,
    meetings: data.meetings.length,
    studies: rows.studies.length - 1,
    branchNames: scope.map((b) => b.name),
  };
}
