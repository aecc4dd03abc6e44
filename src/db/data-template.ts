import { cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { migrationsFolder, newestMigrationInCode } from "./migrations-folder.ts";

/**
 * A fresh embedded database costs ~7 s of initdb in WASM plus the migrations; copying a data dir made
 * once (at `npm install`/`npm start` build time, see scripts/build.mjs) costs a fraction of a second.
 * The template is a closed PGlite data dir with every migration of its build applied; a copy of an
 * older one is still correct (the start applies the newer migrations), but one made by another PGlite
 * version is not used: its on-disk format may differ.
 */
const STAMP_FILE = ".zhibu-template.json";

interface TemplateStamp {
  pglite: string;
  /** The newest migration applied (drizzle's `when`), to tell whether a rebuild would add anything. */
  newestMigration: number;
}

/** Beside the bundle it belongs to; dist/ is the project's build output and never committed. */
export const dataTemplateDir = join(migrationsFolder, "..", "dist", "pgdata-template");

/** PGlite's package.json is not in its exports; it sits one level above the entry (dist/index.cjs). */
function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const pkg = JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as {
    name: string;
    version: string;
  };
  if (pkg.name !== "@electric-sql/pglite") throw new Error("找不到 PGlite 的版本号");
  return pkg.version;
}

function readStamp(dir: string): TemplateStamp | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, STAMP_FILE), "utf8")) as TemplateStamp;
  } catch {
    return undefined;
  }
}

/** Usable: made by this PGlite. Current: also carries every migration this code has. */
export function dataTemplateState(dir = dataTemplateDir): "missing" | "usable" | "current" {
  const stamp = readStamp(dir);
  if (!stamp || stamp.pglite !== pgliteVersion() || !existsSync(join(dir, "PG_VERSION"))) return "missing";
  return stamp.newestMigration >= newestMigrationInCode() ? "current" : "usable";
}

/**
 * Copies the template to `target` (a data dir that does not exist yet). Built beside it and renamed
 * into place, so a start cut off half-way leaves nothing half-made. False when there is no usable
 * template or the copy failed; the caller then runs initdb.
 */
export function copyDataTemplate(target: string, dir = dataTemplateDir): boolean {
  if (dataTemplateState(dir) === "missing") return false;
  const building = `${target}.new`;
  try {
    rmSync(building, { recursive: true, force: true });
    cpSync(dir, building, { recursive: true });
    rmSync(join(building, STAMP_FILE), { force: true });
    renameSync(building, target);
    return true;
  } catch {
    rmSync(building, { recursive: true, force: true });
    return false;
  }
}

/** Marks a closed, migrated data dir as a template and moves it into place, replacing an older one. */
export function installDataTemplate(built: string, newestMigration: number, dir = dataTemplateDir): void {
  const stamp: TemplateStamp = { pglite: pgliteVersion(), newestMigration };
  writeFileSync(join(built, STAMP_FILE), JSON.stringify(stamp));
  const old = `${dir}.old-${process.pid}`;
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(built, dir);
  rmSync(old, { recursive: true, force: true });
}
