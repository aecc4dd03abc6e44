import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createRecipients } from "../app/recipients.ts";
import { decodeCsv, importStudyItems, StudyImportError } from "../app/study/import-study-items.ts";
import { PLATFORMS } from "../platforms/index.ts";
import type { CliIo } from "./outbox.ts";

export const STUDY_USAGE = `  study import <文件.csv> [--org <组织编号>]
                         从 CSV 批量导入第一议题学习材料（列：标题,来源,发表日期,链接,摘要,范围），
                         整个文件一次写入，有错误的行全部列出且不写入；重复的材料跳过；
                         各支部群的通知由运行中的服务发送`;

export async function runStudy(args: string[], io: CliIo & { timeZone: string }): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { org: { type: "string" } },
  });
  const [sub, file] = positionals;
  if (sub !== "import" || !file) {
    io.err(
      "用法：npx zhibu study import <文件.csv> [--org <组织编号>]，例如：npx zhibu study import examples/study-items.csv",
    );
    return 2;
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    io.err(`无法读取文件 ${file}：${(error as Error).message}`);
    return 2;
  }
  try {
    // Notices are queued for every platform a branch chat is bound on, whichever the server runs with.
    const recipients = createRecipients(PLATFORMS);
    const result = await importStudyItems(
      { db: io.db, recipients },
      {
        text: decodeCsv(bytes),
        ...(values.org ? { org: values.org } : {}),
        now: io.now,
        timeZone: io.timeZone,
        actorLabel: "cli:study-import",
      },
    );
    for (const a of result.added) {
      io.out(`第 ${a.line} 行：已添加《${a.title}》（${a.publishedOn}），通知 ${a.notices} 个支部群`);
    }
    for (const d of result.duplicates) {
      io.out(`第 ${d.line} 行：《${d.title}》（${d.publishedOn}）已在学习材料库中，跳过`);
    }
    io.out(
      `导入完成：新增 ${result.added.length} 项，跳过重复 ${result.duplicates.length} 项。` +
        (result.added.length > 0 ? "通知已排队，由运行中的服务发送到各支部群。" : ""),
    );
    return 0;
  } catch (error) {
    if (error instanceof StudyImportError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}
