// Temporary profiling helper (not committed).
import { sql } from "drizzle-orm";
import { liaisonSource } from "../src/app/status/liaison-source.ts";
import { branchReports, partyBranches } from "../src/app/status/reports.ts";
import { meetingSummaryFor } from "../src/app/meetings/summary.ts";
import { studySummaryFor } from "../src/app/study/summary.ts";
import { createPostgresDatabase } from "../src/db/client-postgres.ts";
import { DEFAULT_CADENCE } from "../src/domain/cadence.ts";
import { branchStatus } from "../src/domain/branch-status.ts";

const url = process.argv[2] as string;
const h = createPostgresDatabase(url, { max: 4 });
const db = h.db;
const ORG = "00000000-0000-0000-0000-000000000001";
const TZ = "Asia/Shanghai";
const t = async (name: string, f: () => Promise<unknown>, n = 5) => {
  let best = 1e9;
  let r: unknown;
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    r = await f();
    best = Math.min(best, performance.now() - s);
  }
  console.log(name, best.toFixed(1), "ms");
  return r;
};
const all = await partyBranches(db, ORG, TZ);
const ids = all.map((b) => b.id);
const one = [ids[7] as string];
await t("branches", () => partyBranches(db, ORG, TZ));
await t("meetings one", () => meetingSummaryFor(db, { branchIds: one, from: "2025-12-01", timeZone: TZ }));
const ms = (await t("meetings all", () => meetingSummaryFor(db, { branchIds: ids, from: "2025-12-01", timeZone: TZ }))) as Map<string, never[]>;
await t("study one", () => studySummaryFor(db, { orgId: ORG, branchIds: one, year: 2026, today: "2026-12-15", timeZone: TZ, overdueDays: 7 }));
await t("study all", () => studySummaryFor(db, { orgId: ORG, branchIds: ids, year: 2026, today: "2026-12-15", timeZone: TZ, overdueDays: 7 }), 2);
await t("domain all", async () => {
  for (const b of all) branchStatus({ branch: { ...b }, meetings: ms.get(b.id) ?? [], today: "2026-12-15", rules: DEFAULT_CADENCE });
});
await t("reports all", () => branchReports(db, { timeZone: TZ, overdueDays: 7, rules: DEFAULT_CADENCE, liaison: liaisonSource }, { orgId: ORG, today: "2026-12-15" }), 2);
const ex = (await db.execute(sql`explain analyze with items as (
          select i.id, i.published_on, greatest(i.published_on, (i.created_at at time zone ${TZ})::date) as since
          from study_items i where i.org_id = ${ORG} and i.scope = 'all'
        ), firsts as (
          select m.branch_id, r.study_item_id, min((m.starts_at at time zone ${TZ})::date) as studied_on
          from meetings m join first_agenda_records r on r.meeting_id = m.id
          where m.branch_id = any(${`{${one[0]}}`}::uuid[])
          group by m.branch_id, r.study_item_id
        ) select count(*) from firsts`)) as unknown as Record<string, string>[];
for (const r of ex) console.log(Object.values(r)[0]);
await h.close();
