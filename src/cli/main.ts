import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type ContactSources, importRoster, RosterImportError } from "../app/import-roster.ts";
import { type Config, ConfigError, loadConfig, platformQuotas } from "../config.ts";
import { DataDirBusyError } from "../db/data-dir-lock.ts";
import { openDatabase } from "../db/open.ts";
import { DatabaseStartError } from "../db/startup-errors.ts";
import { isRosterPlatform } from "../domain/roster.ts";
import { createLogger } from "../lib/logger.ts";
import { PLATFORMS } from "../platforms/index.ts";
import { CALENDAR_USAGE, runCalendar } from "./calendar.ts";
import { EXPORT_USAGE, runExport } from "./export.ts";
import { INBOX_USAGE, runInbox } from "./inbox.ts";
import { OUTBOX_USAGE, runOutbox } from "./outbox.ts";
import { runStudy, STUDY_USAGE } from "./study.ts";

const USAGE = `用法：npx zhibu <命令>

命令：
  import <名册.yaml>     导入或更新组织名册（支部、党小组、党员、联系点）；
                         同一文件重复导入不会改变任何数据
${OUTBOX_USAGE}
${INBOX_USAGE}
${CALENDAR_USAGE}
${STUDY_USAGE}
${EXPORT_USAGE}
  migrate                只建表/升级数据库（npm start 启动时会自动做；Workers 部署前须先运行）
  help                   显示本帮助

数据库：未设置 DATABASE_URL 时使用 DATA_DIR（默认 ./data）下的嵌入式数据库。`;

/** Each configured platform's people lookup, and the labels of the platforms that are not configured. */
async function contactSources(config: Config): Promise<ContactSources> {
  const sources: ContactSources = { directories: [], offline: [] };
  const logger = createLogger(config.logLevel);
  for (const p of PLATFORMS) {
    const settings = config.platforms[p.name];
    // Only platforms the roster format has ids for are looked up (not the local console).
    if (!p.directory || !isRosterPlatform(p.name)) continue;
    if (settings === undefined) sources.offline.push(p.label);
    else
      sources.directories.push({
        platform: p.name,
        label: p.label,
        directory: await p.directory(settings, { logger }),
      });
  }
  return sources;
}

async function runImport(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const file = positionals[0];
  if (!file) {
    console.error("请指定名册文件，例如：npx zhibu import examples/org.yaml");
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    console.error(`无法读取名册文件 ${file}：${(error as Error).message}`);
    return 2;
  }
  const config = loadConfig(process.env);
  const database = await openDatabase(config, "zhibu import");
  try {
    const result = await importRoster(database.db, text, {
      now: new Date(),
      timezone: config.timezone,
      actorLabel: "cli:import",
      contacts: await contactSources(config),
    });
    const c = result.contacts;
    if (c.resolved > 0) console.log(`按手机号/邮箱查到 ${c.resolved} 名党员的平台标识。`);
    for (const line of c.notAsked) console.log(`注意：${line}`);
    if (c.unresolved.length > 0) {
      console.log(`以下 ${c.unresolved.length} 项未能查到，这些党员在对应平台上收不到消息：`);
      for (const line of c.unresolved) console.log(`  - ${line}`);
    }
    if (result.unchanged) {
      console.log(`名册与数据库一致，未做任何修改（${result.branches} 个组织，${result.members} 名党员）。`);
    } else {
      console.log(
        `导入完成：${result.branches} 个组织，${result.members} 名党员；新增 ${result.created} 项，更新 ${result.updated} 项，停用 ${result.deactivated} 项。`,
      );
    }
    return 0;
  } finally {
    await database.close();
  }
}

/** Runs an admin command against the configured database. */
async function withDatabase(
  purpose: string,
  run: (io: Parameters<typeof runCalendar>[1]) => Promise<number>,
) {
  const config = loadConfig(process.env);
  const database = await openDatabase(config, purpose);
  try {
    return await run({
      db: database.db,
      out: (line) => console.log(line),
      err: (line) => console.error(line),
      now: new Date(),
      timeZone: config.timezone,
    });
  } finally {
    await database.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "import":
        return await runImport(rest);
      case "outbox":
        return await withDatabase("zhibu outbox", (io) =>
          runOutbox(rest, io, { quotas: platformQuotas(loadConfig(process.env)) }),
        );
      case "inbox":
        return await withDatabase("zhibu inbox", (io) => runInbox(rest, io));
      case "calendar":
        return await withDatabase("zhibu calendar", (io) => runCalendar(rest, io));
      case "study":
        return await withDatabase("zhibu study", (io) => runStudy(rest, io));
      case "export":
        return await withDatabase("zhibu export", (io) => runExport(rest, io));
      case "migrate":
        // Opening the database applies the migrations (Workers cannot: they have no migration files).
        return await withDatabase("zhibu migrate", async (io) => {
          io.out("数据库已是最新结构。");
          return 0;
        });
      case undefined:
      case "help":
      case "--help":
      case "-h":
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        console.error(`未知命令 “${command}”\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (
      error instanceof RosterImportError ||
      error instanceof ConfigError ||
      error instanceof DataDirBusyError ||
      error instanceof DatabaseStartError
    ) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
