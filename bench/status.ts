/**
 * 支部情况 at the size of a large organ, on real Postgres (TEST_DATABASE_URL, else the local server):
 * 500 党支部, 25,000 members, five years of meetings with attendance, 第一议题 studies and liaison data
 * (bench/status-seed.ts). Timed after a warm-up, each run from the chat's id to the Feishu card JSON:
 * - one branch's card (the chat's branch, its figures, the card rendered): target p95 ≤ 30 ms;
 * - the organ overview (every branch's figures, sorted, the card rendered): target ≤ 300 ms (p95).
 * Prints the query plans' use of indexes for the statements behind both.
 */
import { sql } from "drizzle-orm";
import { liaisonSource } from "../src/app/status/liaison-source.ts";
import { branchReports, partyBranches, type StatusSettings, worstFirst } from "../src/app/status/reports.ts";
import { branchStatusCard, overviewCard } from "../src/app/views/status-cards.ts";
import { createPostgresDatabase } from "../src/db/client-postgres.ts";
import { findBranchByChat } from "../src/db/queries/branch-chats.ts";
import { statusBranches } from "../src/db/queries/status.ts";
import type { Database } from "../src/db/types.ts";
import { DEFAULT_CADENCE } from "../src/domain/cadence.ts";
import { renderCard } from "../src/platforms/feishu/cards.ts";
import { createFreshPostgres } from "../test/support/databases.ts";
import type { BenchResult } from "./fanout.ts";
import { LARGE_ORGAN, seedLargeOrgan } from "./status-seed.ts";

const ORG = "00000000-0000-0000-0000-000000000001";
const TODAY = "2026-12-15";
const TZ = "Asia/Shanghai";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function timed(runs: number, f: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f(i);
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

/** The plan's node types and the relations each scans, e.g. "Index Scan meetings (meetings_branch_starts_idx)". */
async function planSummary(db: Database, query: ReturnType<typeof sql>): Promise<string[]> {
  const rows = (await db.execute(sql`explain (format json) ${query}`)) as unknown as Record<
    string,
    unknown
  >[];
  const json = rows[0]?.["QUERY PLAN"] as { Plan: Record<string, unknown> }[] | undefined;
  const plan = json?.[0]?.Plan;
  const out: string[] = [];
  const walk = (node: Record<string, unknown> | undefined) => {
    if (!node) return;
    const relation = node["Relation Name"] as string | undefined;
    if (relation) {
      const index = node["Index Name"] as string | undefined;
      out.push(`${node["Node Type"]} ${relation}${index ? ` (${index})` : ""}`);
    }
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk(plan);
  return [...new Set(out)];
}

export async function benchStatus(): Promise<BenchResult> {
  const url = process.env.TEST_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
  // BENCH_STATUS_KEEP=1 keeps the seeded database and prints its URL; BENCH_STATUS_DB=<url> reuses it.
  const reuse = process.env.BENCH_STATUS_DB;
  const db = reuse
    ? { ...createPostgresDatabase(reuse, { max: 20 }), url: reuse }
    : await createFreshPostgres(url);
  if (process.env.BENCH_STATUS_KEEP) db.close = async () => console.log(`  kept database ${db.url}`);
  const lines: string[] = [];
  try {
    const t0 = performance.now();
    const counts = reuse ? { reused: 1 } : await seedLargeOrgan(db.db, LARGE_ORGAN);
    lines.push(
      `  ${reuse ? "reused" : "seeded"} in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${Object.entries(
        counts,
      )
        .map(([k, v]) => `${k} ${v.toLocaleString("en")}`)
        .join(", ")}`,
    );
    const settings: StatusSettings = {
      timeZone: TZ,
      overdueDays: 7,
      rules: DEFAULT_CADENCE,
      liaison: liaisonSource,
    };
    const all = await partyBranches(db.db, ORG, TZ);
    const chats = all.map((b) => `oc_${b.code}`);

    const branchCard = async (i: number) => {
      const chat = await findBranchByChat(db.db, "feishu", chats[(i * 37) % chats.length] as string);
      if (!chat) throw new Error("no branch for chat");
      const branches = await statusBranches(db.db, { orgId: ORG, ids: [chat.id], timeZone: TZ });
      const [report] = await branchReports(db.db, settings, { orgId: ORG, today: TODAY, branches });
      if (!report) throw new Error("no report");
      return JSON.stringify(renderCard(branchStatusCard(report)));
    };
    const overview = async () => {
      const branches = await partyBranches(db.db, ORG, TZ);
      const reports = await branchReports(db.db, settings, { orgId: ORG, today: TODAY, branches });
      return JSON.stringify(renderCard(overviewCard(worstFirst(reports), { title: "全机关", asOf: TODAY })));
    };

    await timed(50, branchCard);
    await timed(3, overview);
    const card = await timed(200, branchCard);
    const over = await timed(15, overview);
    const cardP95 = percentile(card, 95);
    const overP95 = percentile(over, 95);
    const bytes = (await overview()).length;
    lines.push(
      `  one branch's card: p50 ${percentile(card, 50).toFixed(1)} ms, p95 ${cardP95.toFixed(1)} ms, max ${card.at(-1)?.toFixed(1)} ms (200 runs; target p95 ≤ 30 ms)`,
      `  organ overview (${all.length} branches): p50 ${percentile(over, 50).toFixed(0)} ms, p95 ${overP95.toFixed(0)} ms (15 runs; target ≤ 300 ms); card JSON ${bytes.toLocaleString("en")} bytes`,
    );

    const one = all[0]?.id as string;
    const ids = (list: string[]) => `{${list.join(",")}}`;
    const plans: [string, ReturnType<typeof sql>][] = [
      [
        "meetings of one branch",
        sql`select m.id, t.present from meetings m left join meeting_tallies t on t.meeting_id = m.id
            where m.branch_id = any(${ids([one])}::uuid[]) and m.starts_at >= timestamptz '2025-12-01'`,
      ],
      [
        "meetings of all branches",
        sql`select m.id, t.present from meetings m left join meeting_tallies t on t.meeting_id = m.id
            where m.branch_id = any(${ids(all.map((b) => b.id))}::uuid[]) and m.starts_at >= timestamptz '2025-12-01'`,
      ],
      [
        "第一议题 firsts of one branch",
        sql`select f.branch_id, count(*) from study_firsts f where f.branch_id = any(${ids([one])}::uuid[]) group by 1`,
      ],
    ];
    for (const [name, q] of plans) lines.push(`  plan, ${name}: ${(await planSummary(db.db, q)).join("; ")}`);
    const ok = cardP95 <= 30 && overP95 <= 300;
    lines.push(`  ${ok ? "✔ within targets" : "✗ missed a target"}`);
    return { name: "status", ok, lines };
  } finally {
    await db.close();
  }
}
