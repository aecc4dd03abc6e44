import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { pingDatabase } from "./ping.ts";
import * as schema from "./schema.ts";
import type { Database, DatabaseHandle } from "./types.ts";

/**
 * The embedded database. `dataDir` undefined keeps it in memory (tests).
 * PGlite is single-process: callers must hold the data-dir lock (see data-dir-lock.ts).
 */
export async function createPgliteDatabase(dataDir?: string): Promise<DatabaseHandle> {
  const client = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
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
