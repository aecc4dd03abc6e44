import { execFile } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { copyDataTemplate } from "./data-template.ts";
import { pingDatabase } from "./ping.ts";
import * as schema from "./schema.ts";
import type { Database, DatabaseHandle } from "./types.ts";

/**
 * PGlite's own start parameters (single-user mode, no parallel workers) plus a smaller buffer pool.
 * initdb writes shared_buffers = 128MB into postgresql.conf, and in WASM that is 128 MB of the
 * process's memory; a branch bot's whole database is a few megabytes, and the files it reads
 * are in the operating system's page cache anyway. 16 MB keeps the idle process ~120 MB smaller.
 */
const PGLITE_DEFAULTS: string[] = (PGlite as unknown as { defaultStartParams?: string[] })
  .defaultStartParams ?? [
  "--single",
  "-F",
  "-O",
  "-j",
  "-c",
  "search_path=public",
  "-c",
  "exit_on_error=false",
  "-c",
  "log_checkpoints=false",
];
export const PGLITE_OPTIONS: PGliteOptions = {
  startParams: [...PGLITE_DEFAULTS, "-c", "shared_buffers=16MB"],
};

/** How long creating a new data dir (initdb) may take before the start gives up. */
const INITDB_LIMIT_MS = 120_000;

/**
 * A new data dir needs initdb, which PGlite runs in a second WASM instance with a copy of the first's
 * memory: the process grows by ~500 MB that it keeps. A short-lived child process does it instead,
 * and its memory goes back to the system when it exits. It builds the dir beside the real one and
 * renames it into place, so a start cut off half-way leaves no half-made database behind.
 */
async function initDataDirInChild(dataDir: string): Promise<void> {
  const building = `${dataDir}.new`;
  rmSync(building, { recursive: true, force: true });
  const pglite = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const script = `const { PGlite } = require(${JSON.stringify(pglite)});
PGlite.create(process.argv[1], JSON.parse(process.argv[2])).then((db) => db.close());`;
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      ["-e", script, building, JSON.stringify(PGLITE_OPTIONS)],
      { timeout: INITDB_LIMIT_MS, maxBuffer: 1024 * 1024 },
      (error, _stdout, stderr) =>
        error ? reject(new Error(`初始化嵌入式数据库失败：${stderr.trim() || error.message}`)) : resolve(),
    );
  });
  renameSync(building, dataDir);
}

/**
 * The embedded database. `dataDir` undefined keeps it in memory (tests).
 * PGlite is single-process: callers must hold the data-dir lock (see data-dir-lock.ts).
 */
export async function createPgliteDatabase(dataDir?: string): Promise<DatabaseHandle> {
  if (dataDir && !existsSync(join(dataDir, "PG_VERSION")) && !copyDataTemplate(dataDir)) {
    await initDataDirInChild(dataDir);
  }
  const client = dataDir ? await PGlite.create(dataDir, PGLITE_OPTIONS) : await PGlite.create(PGLITE_OPTIONS);
  const db = drizzle(client, { schema }) as unknown as Database;
  return {
    db,
    kind: "pglite",
    ping: (timeoutMs) =>
      client.closed ? Promise.reject(new Error("数据库已关闭")) : pingDatabase(db, timeoutMs),
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}
