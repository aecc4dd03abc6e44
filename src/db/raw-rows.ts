import type { SQL } from "drizzle-orm";
import type { Executor } from "./types.ts";

export type RawRow = Record<string, unknown>;

/** Rows of a raw statement on either driver: postgres.js returns an array, PGlite `{ rows }`. */
export async function rawRows(db: Executor, query: SQL): Promise<RawRow[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as RawRow[];
  return ((result as { rows?: RawRow[] }).rows ?? []) as RawRow[];
}
