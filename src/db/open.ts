import { resolve } from "node:path";
import type { Config } from "../config.ts";
import { createPgliteDatabase } from "./client-pglite.ts";
import { createPostgresDatabase } from "./client-postgres.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { migrateEmbedded, migratePostgresUrl } from "./migrate.ts";
import type { DatabaseHandle } from "./types.ts";

/**
 * Node: open the configured database with migrations applied. PGlite when DATABASE_URL is unset,
 * guarded by the data-dir lock for as long as the handle is open.
 */
export async function openDatabase(config: Config, purpose: string): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    await migratePostgresUrl(config.databaseUrl);
    return createPostgresDatabase(config.databaseUrl, { max: config.databasePoolMax });
  }
  const dir = resolve(config.dataDir);
  const lock = lockDataDir(dir, purpose);
  try {
    const handle = await createPgliteDatabase(`${dir}/pgdata`);
    await migrateEmbedded(handle);
    return {
      ...handle,
      close: async () => {
        try {
          await handle.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
