import { readFileSync } from "node:fs";
import { importRoster } from "../../src/app/import-roster.ts";
import type { Database } from "../../src/db/types.ts";

export const exampleRosterText = (): string =>
  readFileSync(new URL("../../examples/org.yaml", import.meta.url), "utf8");

/** Loads examples/org.yaml as of a fixed moment, as most DB tests start from the same organ. */
export async function importExampleRoster(db: Database, now = new Date("2026-11-20T02:00:00Z")) {
  return importRoster(db, exampleRosterText(), { now, timezone: "Asia/Shanghai" });
}
