import { CsvError, parse } from "csv-parse/sync";
import { findOrganisationsByCode, listOrganisations } from "../../db/queries/organisations.ts";
import type { Database } from "../../db/types.ts";
import { readStudyCsvHeader, readStudyCsvRow, type StudyItemInput } from "../../domain/study.ts";
import { localDate } from "../../domain/time.ts";
import type { Recipients } from "../recipients.ts";
import { addStudyItemIn } from "./add-study-item.ts";

/** The file is refused as a whole; `problems` name the lines. */
export class StudyImportError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `学习材料未导入（整个文件均未写入），请修改后重新导入：\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "StudyImportError";
  }
}

export interface StudyImportResult {
  added: { line: number; title: string; publishedOn: string; notices: number }[];
  duplicates: { line: number; title: string; publishedOn: string }[];
}

/** Bytes → text: UTF-8 (with or without BOM); anything else (Excel's GBK CSV) is refused with the fix. */
export function decodeCsv(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new StudyImportError([
      "文件不是 UTF-8 编码（Excel 默认另存的 CSV 是 GBK）。请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”后再导入。",
    ]);
  }
}

/** Reads the whole CSV: every row valid, or a StudyImportError listing every bad line. */
export function readStudyCsv(text: string, today: string): { line: number; item: StudyItemInput }[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new StudyImportError([`${line ? `第 ${line} 行：` : ""}CSV 格式有误（${error.message}）`]);
    }
    throw error;
  }
  const [header, ...rows] = records;
  if (!header)
    throw new StudyImportError(["文件为空：第一行应为表头，例如 标题,来源,发表日期,链接,摘要,范围"]);
  const head = readStudyCsvHeader(header.record);
  if (!head.ok) throw new StudyImportError([head.message]);
  const problems: string[] = [];
  const items: { line: number; item: StudyItemInput }[] = [];
  for (const { record, info } of rows) {
    if (record.every((c) => c.trim() === "")) continue;
    // `info.lines` is where the record ends; a quoted cell may span lines, and people look for the start.
    const line = info.lines - (record.join("").match(/\n/g)?.length ?? 0);
    const row = readStudyCsvRow(record, head.columns, today);
    if (row.ok) items.push({ line, item: row.item });
    else problems.push(`第 ${line} 行：${row.problems.join("；")}`);
  }
  if (problems.length > 0) throw new StudyImportError(problems);
  if (items.length === 0) throw new StudyImportError(["文件中没有学习材料（只有表头）"]);
  return items;
}

/**
 * `npx zhibu study import items.csv`: all rows in one transaction, exactly as if each were added in chat
 * (audit log, notices to every branch chat in scope through the outbox); duplicates (same title and
 * publication date, already in the bank or earlier in the file) are skipped and reported.
 */
export async function importStudyItems(
  deps: { db: Database; recipients: Recipients },
  input: { text: string; org?: string; now: Date; timeZone: string; actorLabel: string },
): Promise<StudyImportResult> {
  const { db } = deps;
  const orgs = input.org ? await findOrganisationsByCode(db, input.org) : await listOrganisations(db);
  if (orgs.length === 0) {
    throw new StudyImportError([
      input.org
        ? `找不到组织 “${input.org}”（名册中 organisation.id）`
        : "数据库中还没有组织，请先导入名册：npx zhibu import <名册.yaml>",
    ]);
  }
  const [org] = orgs;
  if (!org || orgs.length > 1) {
    throw new StudyImportError([
      `数据库中有多个组织，请用 --org 指定：${orgs.map((o) => `${o.code}（${o.name}）`).join("、")}`,
    ]);
  }
  const rows = readStudyCsv(input.text, localDate(input.now, input.timeZone));
  return db.transaction(async (tx) => {
    const result: StudyImportResult = { added: [], duplicates: [] };
    for (const { line, item } of rows) {
      const outcome = await addStudyItemIn(
        { db: tx, recipients: deps.recipients },
        { ...item, orgId: org.id, addedBy: null, actorLabel: input.actorLabel },
        input.now,
      );
      if (outcome.kind === "added")
        result.added.push({
          line,
          title: item.title,
          publishedOn: item.publishedOn,
          notices: outcome.notices,
        });
      else result.duplicates.push({ line, title: item.title, publishedOn: item.publishedOn });
    }
    return result;
  });
}
