import { sql } from "drizzle-orm";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { migrationsFolder, newestMigrationInCode } from "./migrations-folder.ts";
import { DatabaseStartError, type DatabaseTarget, newerMigrationsMessage } from "./startup-errors.ts";
import type { DatabaseHandle } from "./types.ts";

/** Any 64-bit number both sides agree on; "zhibu" in ASCII. */
const MIGRATION_LOCK = 0x7a68696275;

/** drizzle's migrator records each applied migration's generation time here. */
const HAS_TABLE = "select to_regclass('drizzle.__drizzle_migrations') is not null as present";
const NEWEST_APPLIED = "select max(created_at)::text as newest from drizzle.__drizzle_migrations";

/**
 * Up to date: nothing to do (the usual start, without reading every migration file). Newer than
 * the code: refuse, in a sentence. Otherwise the migrator runs.
 */
function needsMigration(newest: string | null | undefined, target: DatabaseTarget): boolean {
  const inCode = newestMigrationInCode();
  const inDatabase = newest == null ? 0 : Number(newest);
  if (inDatabase > inCode) throw new DatabaseStartError(newerMigrationsMessage(target, inDatabase, inCode));
  return inDatabase < inCode;
}

export async function migrateEmbedded(handle: DatabaseHandle, dataDir = "（内存）"): Promise<void> {
  const db = handle.db as unknown as PgliteDatabase;
  const [table] = (await db.execute<{ present: boolean }>(sql.raw(HAS_TABLE))).rows;
  const newest = table?.present
    ? (await db.execute<{ newest: string | null }>(sql.raw(NEWEST_APPLIED))).rows[0]?.newest
    : undefined;
  if (!needsMigration(newest, { kind: "pglite", dataDir })) return;
  await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder });
}

/** Several instances may start at once: an advisory lock on a dedicated connection serialises them. */
export async function migratePostgresUrl(url: string): Promise<void> {
  const client = postgres(url, { max: 1, connect_timeout: 10, onnotice: () => {} });
  try {
    const [table] = await client.unsafe<{ present: boolean }[]>(HAS_TABLE);
    const newest = table?.present
      ? (await client.unsafe<{ newest: string | null }[]>(NEWEST_APPLIED))[0]?.newest
      : undefined;
    if (!needsMigration(newest, { kind: "postgres", url })) return;
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
