import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { DatabaseHandle } from "./types.ts";

// Node-only: drizzle's migrator reads the SQL files from disk. From src/db/ (tsx, tests) the folder is
// two levels up; from the bundled dist/node.mjs, one.
export const migrationsFolder = [
  new URL("../../drizzle", import.meta.url),
  new URL("../drizzle", import.meta.url),
]
  .map((u) => fileURLToPath(u))
  .find((dir) => existsSync(join(dir, "meta", "_journal.json"))) as string;

/** Any 64-bit number both sides agree on; "zhibu" in ASCII. */
const MIGRATION_LOCK = 0x7a68696275;

export async function migrateEmbedded(handle: DatabaseHandle): Promise<void> {
  await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder });
}

/** Several instances may start at once: an advisory lock on a dedicated connection serialises them. */
export async function migratePostgresUrl(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      await migratePostgres(drizzle(client), { migrationsFolder });
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}
