import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ExportError, exportMeetingLedger } from "../app/export-ledger.ts";
import { readLiaisonSettings } from "../domain/liaison-settings.ts";
import { addDays, localDate, quarterOf } from "../domain/time.ts";
import type { CliIo } from "./outbox.ts";

export const EXPORT_USAGE = `  export meetings [--from <YYYY-MM-DD> --to <YYYY-MM-DD>] [--out <文件.xlsx>] [--branch <支部编号或名称>]
                         导出会议台账 Excel（会议、考勤、第一议题、联系点月报、问题清单五张表）；不指定日期则导出
                         本季度，不指定支部则导出全部，指定党总支则导出其下各支部`;

export async function runExport(
  args: string[],
  io: CliIo & { timeZone: string; now?: Date },
): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      branch: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      out: { type: "string" },
    },
  });
  if (positionals[0] !== "meetings" || Boolean(values.from) !== Boolean(values.to)) {
    io.err(
      "用法：npx zhibu export meetings [--from 2026-01-01 --to 2026-12-31] [--out 台账.xlsx] [--branch bgs]\n" +
        "（--from 和 --to 须同时给出；都不给则导出本季度）",
    );
    return 2;
  }
  // Without dates: this quarter so far, as the 会议记录 card's hint promises.
  const quarter = quarterOf(localDate(io.now ?? new Date(), io.timeZone));
  const from = values.from ?? quarter.from;
  const to = values.to ?? addDays(quarter.to, -1);
  const out = values.out ?? `会议台账-${from}至${to}.xlsx`;
  // Already checked when the configuration was loaded; the default only satisfies the type.
  const liaison = readLiaisonSettings(process.env);
  try {
    const result = await exportMeetingLedger(io.db, {
      ...(values.branch ? { branch: values.branch } : {}),
      from,
      to,
      timeZone: io.timeZone,
      liaisonReportMonth: liaison.ok ? liaison.settings.reportMonth : "previous",
    });
    writeFileSync(out, result.buffer);
    io.out(
      `已导出 ${result.meetings} 次会议（${result.studies} 条第一议题学习记录）（${from} 至 ${to}）到 ${out}：${result.branchNames.join("、")}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ExportError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}
