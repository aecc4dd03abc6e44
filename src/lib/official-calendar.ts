import data from "chinese-days/dist/chinese-days.json" with { type: "json" };
import type { OfficialCalendar } from "../domain/work-calendar.ts";

/**
 * China's official holiday arrangement from the `chinese-days` package's bundled table (no network at
 * run time). We read its data rather than call its functions: those parse dates in the process's own
 * time zone, which shifts every answer by a day on a server that is not set to UTC+8.
 */
interface ChineseDaysTable {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** "National Day,国庆节,3" → "国庆节". */
function chineseName(raw: string): string {
  const parts = raw.split(",");
  return parts[1] ?? parts[0] ?? raw;
}

let cached: OfficialCalendar | undefined;

export function loadOfficialCalendar(): OfficialCalendar {
  if (cached) return cached;
  const table = data as ChineseDaysTable;
  const holidays = new Map(Object.entries(table.holidays).map(([d, n]) => [d, chineseName(n)] as const));
  const makeUpWorkdays = new Map(
    Object.entries(table.workdays).map(([d, n]) => [d, chineseName(n)] as const),
  );
  const coveredYears = new Set([...holidays.keys()].map((d) => Number(d.slice(0, 4))));
  cached = { holidays, makeUpWorkdays, coveredYears };
  return cached;
}
