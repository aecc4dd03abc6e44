import { resolve } from "node:path";
import type { Config } from "../config.ts";
import { createPgliteDatabase } from "./client-pglite.ts";
import { createPostgresDatabase } from "./client-postgres.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { migrateEmbedded, migratePostgresUrl } from "./migrate.ts";
import { DatabaseStartError, type DatabaseTarget, describeDatabaseError } from "./startup-errors.ts";
import type { DatabaseHandle } from "./types.ts";

/** A failure a setting can fix becomes a DatabaseStartError (a sentence); anything else is rethrown as is. */
function explained(error: unknown, target: DatabaseTarget): unknown {
  if (error instanceof DatabaseStartError) return error;
  const sentence = describeDatabaseError(error, target);
  return sentence ? new DatabaseStartError(sentence, { cause: error }) : error;
}

/**
 * Node: open the configured database with migrations applied. PGlite when DATABASE_URL is unset,
 * guarded by the data-dir lock for as long as the handle is open.
 */
export async function openDatabase(config: Config, purpose: string): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    const url = config.databaseUrl;
    await migratePostgresUrl(url).catch((error: unknown) => {
      throw explained(error, { kind: "postgres", url });
    });
    return createPostgresDatabase(url, { max: config.databasePoolMax });
  }
  const dir = resolve(config.dataDir);
  const target: DatabaseTarget = { kind: "pglite", dataDir: dir };
  let lock: ReturnType<typeof lockDataDir>;
  try {
    lock = lockDataDir(dir, purpose);
  } catch (error) {
    throw explained(error, target);
  }
  try {
    const handle = await createPgliteDatabase(`${dir}/pgdata`).catch((error: unknown) => {
      throw explained(error, target);
    });
    await migrateEmbedded(handle, dir).catch(async (error: unknown) => {
      await handle.close();
      throw explained(error, target);
    });
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
