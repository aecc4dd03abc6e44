import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createPgliteDatabase } from "../../src/db/client-pglite.ts";
import { createPostgresDatabase } from "../../src/db/client-postgres.ts";
import { migrateEmbedded, migratePostgresUrl } from "../../src/db/migrate.ts";
import type { DatabaseHandle } from "../../src/db/types.ts";

export interface TestDatabase extends DatabaseHandle {
  /** For tests that need a second connection (several schedulers, a child process). */
  url: string | undefined;
}

/** A fresh database on a real Postgres server, dropped again on close, so runs never see each other's data. */
export async function createFreshPostgres(baseUrl: string): Promise<TestDatabase> {
  const name = `zhibu_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  await migratePostgresUrl(url.toString());
  const handle = createPostgresDatabase(url.toString(), { max: 20 });
  return {
    ...handle,
    url: url.toString(),
    async close() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

export async function createFreshPglite(): Promise<TestDatabase> {
  const handle = await createPgliteDatabase();
  await migrateEmbedded(handle);
  return { ...handle, url: undefined };
}

export interface DatabaseTarget {
  name: "pglite" | "postgres";
  create(): Promise<TestDatabase>;
}

const pgUrl = process.env.TEST_DATABASE_URL;

/** Every DB test runs on PGlite, and on real Postgres too when TEST_DATABASE_URL is set. */
export const databaseTargets: DatabaseTarget[] = [
  { name: "pglite", create: createFreshPglite },
  ...(pgUrl ? [{ name: "postgres" as const, create: () => createFreshPostgres(pgUrl) }] : []),
];
