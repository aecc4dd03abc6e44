/**
 * A new embedded data dir is a copy of a template data dir (made by the build) instead of a 7-second
 * initdb. The copy must be a working, migrated database without the template's stamp; a template made
 * by another PGlite version must never be used; one older than the migrations is used and caught up.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteDatabase } from "../../src/db/client-pglite.ts";
import { copyDataTemplate, dataTemplateState, installDataTemplate } from "../../src/db/data-template.ts";
import { migrateEmbedded } from "../../src/db/migrate.ts";
import { migrationsFolder, newestMigrationInCode } from "../../src/db/migrations-folder.ts";
import { rawRows } from "../../src/db/raw-rows.ts";

function journalEntries(): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

const root = mkdtempSync(join(tmpdir(), "zhibu-template-"));
const template = join(root, "template");
const stampPath = join(template, ".zhibu-template.json");
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  const built = join(root, "built");
  const handle = await createPgliteDatabase(built);
  await migrateEmbedded(handle, built);
  await handle.close();
  installDataTemplate(built, newestMigrationInCode(), template);
}, 120_000);

describe("embedded data dir template", () => {
  it("a current template is copied into a new data dir that opens migrated, without the stamp", async () => {
    expect(dataTemplateState(template)).toBe("current");
    const target = join(root, "copy");
    expect(copyDataTemplate(target, template)).toBe(true);
    expect(existsSync(join(target, ".zhibu-template.json"))).toBe(false);
    expect(existsSync(`${target}.new`)).toBe(false);
    const { PGlite } = await import("@electric-sql/pglite");
    const client = await PGlite.create(target);
    try {
      const applied = await client.query<{ n: number }>(
        "select count(*)::int as n from drizzle.__drizzle_migrations",
      );
      expect(applied.rows[0]?.n).toBe(journalEntries());
      const tables = await client.query<{ n: number }>(
        "select count(*)::int as n from information_schema.tables where table_name = 'meetings'",
      );
      expect(tables.rows[0]?.n).toBe(1);
    } finally {
      await client.close();
    }
  });

  it("an older template is usable, and the start's migrations catch the copy up", async () => {
    const stamp = JSON.parse(readFileSync(stampPath, "utf8")) as { newestMigration: number };
    writeFileSync(stampPath, JSON.stringify({ ...stamp, newestMigration: stamp.newestMigration - 1 }));
    try {
      expect(dataTemplateState(template)).toBe("usable");
      const target = join(root, "older");
      expect(copyDataTemplate(target, template)).toBe(true);
      const handle = await createPgliteDatabase(target);
      try {
        await migrateEmbedded(handle, target);
        const rows = await rawRows(
          handle.db,
          sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
        );
        expect(rows[0]?.n).toBe(journalEntries());
      } finally {
        await handle.close();
      }
    } finally {
      writeFileSync(stampPath, JSON.stringify(stamp));
    }
  });

  it("a template from another PGlite version, or none, is never copied", () => {
    const stamp = readFileSync(stampPath, "utf8");
    writeFileSync(stampPath, JSON.stringify({ ...JSON.parse(stamp), pglite: "0.0.1" }));
    try {
      expect(dataTemplateState(template)).toBe("missing");
      expect(copyDataTemplate(join(root, "other-version"), template)).toBe(false);
      expect(existsSync(join(root, "other-version"))).toBe(false);
    } finally {
      writeFileSync(stampPath, stamp);
    }
    expect(copyDataTemplate(join(root, "none"), join(root, "no-template"))).toBe(false);
  });
});
