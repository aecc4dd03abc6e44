import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { projectFile } from "../lib/project-file.ts";

// Node-only: drizzle's migrator reads the SQL files from disk; the folder is the one holding the journal.
export const migrationsFolder = fileURLToPath(
  new URL("..", projectFile("drizzle/meta/_journal.json", import.meta.url)),
);

/** When the newest migration this code carries was generated; drizzle records it as created_at. */
let newestInCode: number | undefined;
export function newestMigrationInCode(): number {
  newestInCode ??= Math.max(
    0,
    ...(
      JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
        entries: { when: number }[];
      }
    ).entries.map((e) => e.when),
  );
  return newestInCode;
}
