/**
 * A database the server cannot use ends the start with one sentence naming the variable to fix and
 * exit code 2, never a stack trace. Real server processes against a closed port, a missing
 * database and databases migrated by a "newer" zhibu (embedded and, with TEST_DATABASE_URL, Postgres).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { createPgliteDatabase } from "../../src/db/client-pglite.ts";
import { migrateEmbedded } from "../../src/db/migrate.ts";
import { migrationsFolder } from "../../src/db/migrations-folder.ts";
import { describeDatabaseError } from "../../src/db/startup-errors.ts";
import { createFreshPostgres } from "../support/databases.ts";
import { startServer } from "../support/processes.ts";

const pgUrl = process.env.TEST_DATABASE_URL;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** One minute after the newest migration this code knows: what a newer zhibu would have recorded. */
function newerThanCode(): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
    entries: { when: number }[];
  };
  return Math.max(...journal.entries.map((e) => e.when)) + 60_000;
}

async function startFails(env: Record<string, string>): Promise<string> {
  const server = startServer({ SCHEDULER_ENABLED: "false", ...env });
  const { code } = await server.exited;
  const output = server.output();
  expect(code, output).toBe(2);
  expect(output, "no stack trace").not.toMatch(/^\s+at /m);
  return output;
}

describe("the mapping of database errors to sentences", () => {
  const url = "postgres://zhibu:s3cret@db.example:6543/zhibu_prod";
  const target = { kind: "postgres" as const, url };

  it("names DATABASE_URL for each failure a connection string can cause, never its password", () => {
    const cases: [string, RegExp][] = [
      ["ECONNREFUSED", /无法连接数据库 db\.example:6543（连接被拒绝）/],
      ["ENOTFOUND", /找不到该主机/],
      ["CONNECT_TIMEOUT", /连接超时/],
      ["3D000", /数据库 zhibu_prod 在 db\.example:6543 上不存在/],
      // Wrong password: the local test server trusts every connection (pg_hba.conf "trust"), so a
      // wrong password cannot be produced for real here; this is the server's code for it.
      ["28P01", /数据库用户 zhibu 的密码不正确/],
      ["28000", /拒绝了用户 zhibu 的连接/],
    ];
    for (const [code, sentence] of cases) {
      const message = describeDatabaseError(Object.assign(new Error("x"), { code }), target);
      expect(message, code).toMatch(sentence);
      expect(message, code).toContain("DATABASE_URL");
      expect(message, code).not.toContain("s3cret");
    }
  });

  it("names DATA_DIR when the embedded data dir cannot be written", () => {
    const message = describeDatabaseError(Object.assign(new Error("x"), { code: "EACCES" }), {
      kind: "pglite",
      dataDir: "/srv/zhibu",
    });
    expect(message).toMatch(/无法写入数据目录 \/srv\/zhibu.*DATA_DIR/);
  });

  it("leaves errors no setting can fix to their stack trace", () => {
    expect(describeDatabaseError(new Error("boom"), target)).toBeUndefined();
    expect(describeDatabaseError(Object.assign(new Error("x"), { code: "XX000" }), target)).toBeUndefined();
  });
});

describe("a server that cannot use its database", () => {
  it("says so when nothing listens at DATABASE_URL's port", async () => {
    const output = await startFails({ DATABASE_URL: "postgres://root@127.0.0.1:1/zhibu" });
    expect(output).toContain("无法连接数据库 127.0.0.1:1（连接被拒绝）");
    expect(output).toContain("DATABASE_URL");
  });

  it.skipIf(!pgUrl)("says so when DATABASE_URL names a database that does not exist", async () => {
    const url = new URL(pgUrl as string);
    url.pathname = `/zhibu_missing_${process.pid}`;
    const output = await startFails({ DATABASE_URL: url.toString() });
    expect(output).toContain(`数据库 zhibu_missing_${process.pid} 在 ${url.hostname}:${url.port} 上不存在`);
    expect(output).toContain("DATABASE_URL");
  });

  it.skipIf(!pgUrl)("refuses a Postgres database migrated by a newer zhibu", async () => {
    const db = await createFreshPostgres(pgUrl as string);
    try {
      const admin = postgres(db.url as string, { max: 1, onnotice: () => {} });
      await admin`insert into drizzle.__drizzle_migrations (hash, created_at) values ('newer', ${newerThanCode()})`;
      await admin.end();
      const output = await startFails({ DATABASE_URL: db.url as string });
      expect(output).toContain("数据库已由更新版本的支部助手升级");
      expect(output).toContain("DATABASE_URL");
    } finally {
      await db.close();
    }
  });

  it("refuses an embedded data dir migrated by a newer zhibu", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zhibu-newer-"));
    dirs.push(dir);
    const handle = await createPgliteDatabase(join(dir, "pgdata"));
    await migrateEmbedded(handle);
    await handle.db.execute(
      sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('newer', ${newerThanCode()})`,
    );
    await handle.close();
    const output = await startFails({ DATA_DIR: dir });
    expect(output).toContain("数据库已由更新版本的支部助手升级");
    expect(output).toContain(`DATA_DIR 中指定另一个目录（当前为 ${dir}）`);
  });
});
