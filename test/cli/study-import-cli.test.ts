/**
 * `npx zhibu study import` and `npx zhibu export meetings` as real child processes on the embedded
 * database (PGlite in a data directory), then the database read back in this process.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import readXlsxFile from "read-excel-file/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { openDatabase } from "../../src/db/open.ts";
import * as schema from "../../src/db/schema.ts";
import type { Database } from "../../src/db/types.ts";
import { runCli } from "../support/processes.ts";

const EXAMPLE = "examples/study-items.csv";

describe("npx zhibu study import / export meetings", () => {
  let dir: string;
  let dataDir: string;
  const env = () => ({ DATA_DIR: dataDir, LOG_LEVEL: "warn" });
  /** Reads the data directory once the child has exited (one process per data directory). */
  async function read<T>(query: (db: Database) => Promise<T>) {
    const handle = await openDatabase(loadConfig({ DATA_DIR: dataDir }), "test: read back");
    try {
      return await query(handle.db);
    } finally {
      await handle.close();
    }
  }
  const file = (name: string, text: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "zhibu-study-cli-"));
    dataDir = join(dir, "data");
    const roster = await runCli(["import", "examples/org.yaml"], env());
    expect(roster.code, roster.output).toBe(0);
  }, 60_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a file with bad rows as a whole, naming every bad line, and writes nothing", async () => {
    const bad = file(
      "bad.csv",
      [
        "title,source,published_on,link,scope",
        "在某次会议上的讲话,新华社,2026-11-01,https://example.org/1,all",
        ",新华社,2026-11-02,,all",
        "另一篇讲话,,2026-13-01,ftp://example.org/2,all",
        '"多行的,标题",人民日报,2099-01-01,,全部',
        "第五篇,新华社,2026-11-03,,部分支部",
      ].join("\n"),
    );
    const result = await runCli(["study", "import", bad], env());
    expect(result.code).toBe(1);
    expect(result.output).toContain("整个文件均未写入");
    expect(result.output).toContain("第 3 行：标题为空");
    expect(result.output).toContain(
      "第 4 行：来源为空；发表日期 “2026-13-01” 无效，应为 YYYY-MM-DD；链接 “ftp://example.org/2” 应以 http:// 或 https:// 开头",
    );
    expect(result.output).toContain("第 5 行：发表日期 2099-01-01 在今天之后");
    expect(result.output).toContain("第 6 行：范围 “部分支部” 无效");
    expect(result.output).not.toContain("第 2 行");

    const headerless = file("header.csv", "名称,来源,日期\n某讲话,新华社,2026-11-01\n");
    const header = await runCli(["study", "import", headerless], env());
    expect(header.code).toBe(1);
    expect(header.output).toContain("第 1 行（表头）：不认识的列 “名称”");
    expect(header.output).toContain("缺少必填列：标题/title、发表日期");

    const gbk = file("gbk.csv", Buffer.from([0xb1, 0xea, 0xcc, 0xe2, 0x0a])); // "标题" in GBK
    const encoding = await runCli(["study", "import", gbk], env());
    expect(encoding.code).toBe(1);
    expect(encoding.output).toContain("CSV UTF-8");

    expect(await read((db) => db.select().from(schema.studyItems))).toHaveLength(0);
    expect(await read((db) => db.select().from(schema.outbox))).toHaveLength(0);
  }, 60_000);

  it("imports the example file in one go and queues the notices like the chat command", async () => {
    const result = await runCli(["study", "import", EXAMPLE], env());
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(
      "第 2 行：已添加《在中央党的建设工作领导小组会议上的重要讲话》（2026-10-28），通知 6 个支部群",
    );
    expect(result.output).toContain("导入完成：新增 4 项，跳过重复 0 项。");

    const items = await read((db) =>
      db.select().from(schema.studyItems).orderBy(schema.studyItems.publishedOn),
    );
    expect(items.map((i) => [i.title, i.source, i.publishedOn, i.scope])).toEqual([
      ["在中央党的建设工作领导小组会议上的重要讲话", "新华社", "2026-10-28", "all"],
      ["关于加强和改进机关党建工作的重要论述", "《求是》", "2026-11-01", "all"],
      ["在全国组织工作会议上的重要指示", "新华社", "2026-11-05", "all"],
      ["在党组理论学习中心组专题学习会上的讲话精神", "人民日报", "2026-11-10", "leading_group"],
    ]);
    expect(items[0]?.summary).toContain("以党的政治建设为统领");
    expect(items[2]?.summary).toBeNull();
    expect(items[0]?.link).toBe("https://www.news.cn/politics/20261028/example-1.html");

    const notices = await read((db) =>
      db.select().from(schema.outbox).where(eq(schema.outbox.kind, "study.notice")),
    );
    const feishu = notices.filter((n) => n.platform === "feishu");
    // Three items for all branches × 6 branch chats, and the 党组-only item to each 党组/中心组 member.
    const chatNotices = feishu.filter((n) => n.targetType === "chat");
    expect(chatNotices).toHaveLength(18);
    expect(new Set(chatNotices.map((n) => n.targetId)).size).toBe(6);
    expect(feishu.filter((n) => n.targetType === "user").length).toBeGreaterThan(0);
    expect(feishu.every((n) => n.state === "pending")).toBe(true);
    const audit = await read((db) =>
      db.select().from(schema.auditLog).where(eq(schema.auditLog.entity, "study_item")),
    );
    expect(audit).toHaveLength(4);
    expect(audit.every((a) => a.actorLabel === "cli:study-import")).toBe(true);
  }, 60_000);

  it("skips and reports duplicates, in the bank or repeated in the file, and adds the rest", async () => {
    const more = file(
      "more.csv",
      [
        "标题,来源,发表日期,链接",
        "《在全国组织工作会议上的重要指示》,新华社,2026/11/5,",
        "在某省考察时的重要讲话,新华社,2026年11月12日,https://www.news.cn/politics/20261112/example-5.html",
        "在某省考察时的重要讲话,新华社,2026-11-12,",
      ].join("\r\n"),
    );
    const result = await runCli(["study", "import", more], env());
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(
      "第 2 行：《在全国组织工作会议上的重要指示》（2026-11-05）已在学习材料库中，跳过",
    );
    expect(result.output).toContain(
      "第 4 行：《在某省考察时的重要讲话》（2026-11-12）已在学习材料库中，跳过",
    );
    expect(result.output).toContain("导入完成：新增 1 项，跳过重复 2 项。");
    const items = await read((db) => db.select().from(schema.studyItems));
    expect(items).toHaveLength(5);
    expect(items.filter((i) => i.title === "在全国组织工作会议上的重要指示")).toHaveLength(1);
  }, 60_000);

  it("exports the meeting ledger with its five sheets", async () => {
    const out = join(dir, "台账.xlsx");
    const result = await runCli(
      [
        "export",
        "meetings",
        "--branch",
        "办公室党支部",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--out",
        out,
      ],
      env(),
    );
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("已导出 0 次会议");
    const sheets = await readXlsxFile(readFileSync(out));
    expect(sheets.map((s) => s.sheet)).toEqual(["会议", "考勤", "第一议题", "联系点月报", "问题清单"]);
    expect(sheets[2]?.data[0]).toEqual(
      expect.arrayContaining(["学习材料", "间隔天数", "贯彻落实措施（责任人）"]),
    );

    const bad = await runCli(
      ["export", "meetings", "--from", "2026-02-30", "--to", "2026-12-31", "--out", out],
      env(),
    );
    expect(bad.code).toBe(1);
    expect(bad.output).toContain("--from");
    expect((await runCli(["export", "meetings", "--from", "2026-01-01"], env())).code).toBe(2);

    // As the 会议记录 card says: without dates, this quarter (to its last day).
    const plain = await runCli(["export", "meetings", "--out", join(dir, "本季度.xlsx")], env());
    expect(plain.code, plain.output).toBe(0);
    expect(plain.output).toMatch(/（\d{4}-(01|04|07|10)-01 至 \d{4}-(03-31|06-30|09-30|12-31)）/);
  }, 60_000);
});
