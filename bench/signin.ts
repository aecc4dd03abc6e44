/**
 * A burst of sign-in clicks against the running server (`npm start`'s entry, as its own process) on
 * real Postgres, with Feishu's encryption and signatures, answering through the fake Feishu OpenAPI —
 * and the same clicks, in the same run, against the two anchors (bench/anchors.ts), whose rates zhibu's
 * is reported against.
 *
 * The burst is the organ's worst minute: every branch's 主题党日 starts at once and every member taps
 * 签到 on their branch's card, some tap twice, and Feishu redelivers some callbacks. Each request is
 * sent once, 32 at a time. The database holds a year of past meetings, and the server has answered a
 * few thousand sign-ins before (as one that has been up for a while has). Three bursts, each on its
 * own meetings, are timed; their median is held against the target on a 2-core machine: ≥ 2,000
 * callbacks/s with p99 under 100 ms, every accepted sign-in in the database, and every card's last
 * patch showing its final count; and, round by round, ≥ 1.5 × the peer's rate and ≥ 0.75 × the floor's.
 * BENCH_SIGNIN_BASELINE=<another checkout> adds that build of zhibu to the same rounds.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { count, eq, inArray, sql } from "drizzle-orm";
import postgres from "postgres";
import { importRoster } from "../src/app/import-roster.ts";
import { expectedAttendeeIds, insertMeeting } from "../src/db/queries/meetings.ts";
import * as schema from "../src/db/schema.ts";
import type { Database } from "../src/db/types.ts";
import { createFeishuClient } from "../src/platforms/feishu/client.ts";
import { startFakeFeishuOpenApi } from "../test/fakes/feishu-openapi.ts";
import { createFreshPostgres, type TestDatabase } from "../test/support/databases.ts";
import { buildFeishuRequest, cardActionEvent } from "../test/support/feishu-requests.ts";
import { ANCHORS_DIR, anchorsAvailable, startAnchors } from "./anchors.ts";
import type { BenchResult } from "./fanout.ts";
import { type LoadRequest, type LoadResult, sendAll } from "./http-load.ts";

const ENCRYPT_KEY = "bench_encrypt_key_0123456789";
const TOKEN = "bench_verification_token";

export interface SigninBenchOptions {
  branches: number;
  membersPerBranch: number;
  /** Share of members who tap 签到 a second time (a new callback, answered 您已签到). */
  doubleTaps: number;
  /** Share of callbacks Feishu delivers twice (the same event, answered from the dedup record). */
  redeliveries: number;
  concurrency: number;
  /** Months of past monthly meetings (closed, attended) already in the database, as after a year of use. */
  historyMonths: number;
  /** Sign-ins answered before the timed bursts, so the server's code is compiled as in one that has been up a while. */
  warmup: number;
  /** Timed bursts, each on its own meetings; the median is reported. */
  rounds: number;
}

const DEFAULTS: SigninBenchOptions = {
  branches: 80,
  membersPerBranch: 100,
  doubleTaps: 0.1,
  redeliveries: 0.05,
  concurrency: 32,
  historyMonths: 12,
  warmup: 9200,
  rounds: 3,
};

/** Branches b1…, each with members `${branch}-${n}` (the first is its 书记), each with a Feishu open_id. */
function organRoster(o: SigninBenchOptions): string {
  const lines = ["organisation: { id: bench, name: 压测机关党委 }", "branches:"];
  for (let b = 1; b <= o.branches; b++) lines.push(`  - { id: b${b}, name: 第${b}党支部 }`);
  lines.push("members:");
  for (let b = 1; b <= o.branches; b++) {
    for (let m = 0; m < o.membersPerBranch; m++) {
      const id = `${b}-${m}`;
      const role = m === 0 ? "书记" : "党员";
      lines.push(
        `  - { id: "${id}", name: 党员${id}, branch: b${b}, role: ${role}, feishu: { open_id: ou_${id} } }`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/**
 * A database in use holds past meetings, and Postgres plans the sign-in lookups by its statistics: on
 * tables that were empty a moment ago it scans them whole, until autovacuum's next ANALYZE. The bench
 * measures the database in service, not the first minute after installation.
 */
async function seedHistory(db: Database, months: number): Promise<number> {
  if (months > 0) {
    await db.execute(sql`
      with past as (
        insert into meetings (org_id, branch_id, kind, title, starts_at, ends_at, place, state, closed_at)
        select b.org_id, b.id, 'general_assembly', '往月党员大会', now() - make_interval(months => m),
               now() - make_interval(months => m) + interval '90 minutes', '会议室', 'closed',
               now() - make_interval(months => m) + interval '90 minutes'
        from branches b, generate_series(1, ${months}::int) m
        returning id, branch_id),
      invited as (
        insert into meeting_invitees (meeting_id, member_id)
        select p.id, m.id from past p join members m on m.branch_id = p.branch_id
        returning meeting_id, member_id)
      insert into attendance (meeting_id, member_id, status, late, source, recorded_at)
      select meeting_id, member_id,
             case when random() < 0.9 then 'present' else 'absent' end::attendance_status,
             false, 'card', now() - interval '1 day'
      from invited`);
  }
  await db.execute(sql`analyze`);
  const [row] = await db.select({ n: count() }).from(schema.attendance);
  return row?.n ?? 0;
}

/** A fixed shuffle, so every run sends the same bursts. */
function shuffled<T>(items: T[], seed = 20261122): T[] {
  const out = [...items];
  let s = seed;
  const random = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

interface Card {
  meetingId: string;
  messageId: string;
  members: string[];
}

interface Tap {
  card: Card;
  code: string;
  request: LoadRequest;
}

/**
 * One member's click. For the anchors the card's value carries `meeting_id` (an integer, as they read
 * it) instead of zhibu's `meeting`; everything else about the request is the same.
 */
function tap(card: Card, code: string, anchorMeetingId?: number): Tap {
  const event = cardActionEvent({
    openId: `ou_${code}`,
    messageId: card.messageId,
    value: { action: "meeting.sign_in", meeting: card.meetingId },
  });
  if (anchorMeetingId !== undefined) {
    event.event.action.value = { action: "meeting.sign_in", meeting_id: anchorMeetingId };
  }
  const { body, headers } = buildFeishuRequest(event, { encryptKey: ENCRYPT_KEY, verificationToken: TOKEN });
  return { card, code, request: { path: "/feishu/events", headers, body } };
}

/**
 * One tap per member, then double taps (new events) and redeliveries (the same event again), each after
 * the tap it repeats. `anchorIds` numbers the cards for the anchors (same members, same order).
 */
function burstOf(cards: Card[], o: SigninBenchOptions, anchorIds?: Map<Card, number>) {
  const tapOf = (card: Card, code: string) => tap(card, code, anchorIds?.get(card));
  const firstTaps = shuffled(cards.flatMap((card) => card.members.map((code) => tapOf(card, code))));
  const doubles = Math.round(firstTaps.length * o.doubleTaps);
  const redelivered = Math.round(firstTaps.length * o.redeliveries);
  const burst = [...firstTaps];
  for (const [k, repeated] of shuffled(firstTaps)
    .slice(0, doubles + redelivered)
    .entries()) {
    const after = burst.indexOf(repeated) + 1;
    const at = after + ((k * 7919) % (burst.length - after + 1));
    burst.splice(at, 0, k < doubles ? tapOf(repeated.card, repeated.code) : repeated);
  }
  return { requests: burst.map((t) => t.request), taps: firstTaps.length, doubles, redelivered };
}

/** A sign-in refused or failed shows a warning or error toast; repeats answer with info or nothing. */
const accepted = (status: number, body: string) => status === 200 && !/"type":"(error|warning)"/.test(body);

/** A zhibu server (`npm start`'s bundled entry) on its own database holding the organ, its meetings and their cards. */
interface ZhibuServer {
  name: string;
  db: TestDatabase;
  process: ChildProcess;
  port: number;
  warmCards: Card[];
  rounds: Card[][];
  history: number;
}

async function startZhibu(
  name: string,
  /** The project directory whose `dist/node.mjs` runs (built first, as `npm start` does). */
  root: string,
  url: string,
  fake: Awaited<ReturnType<typeof startFakeFeishuOpenApi>>,
  o: SigninBenchOptions,
): Promise<ZhibuServer> {
  const db = await createFreshPostgres(url);
  try {
    const now = new Date();
    await importRoster(db.db, organRoster(o), { now, timezone: "Asia/Shanghai" });
    const [org] = await db.db.select().from(schema.organisations);
    if (!org || !db.url) throw new Error("bench setup failed");
    const client = createFeishuClient(fake.config());

    // Each branch's meetings (one to warm up on, one per timed burst), each with its sign-in card posted
    // as the outbox would have posted it.
    const meetingWithCard = async (
      branch: typeof schema.branches.$inferSelect,
      title: string,
    ): Promise<Card> => {
      const scope = {
        orgId: org.id,
        branchId: branch.id,
        kind: "general_assembly" as const,
        partyGroupId: null,
      };
      const invitees = await expectedAttendeeIds(db.db, scope);
      const meeting = await insertMeeting(
        db.db,
        {
          ...scope,
          title,
          startsAt: new Date(now.getTime() + 3_600_000),
          endsAt: new Date(now.getTime() + 7_200_000),
          place: "会议室",
          createdBy: null,
        },
        invitees,
        now,
      );
      const posted = await client.send(
        { type: "chat", id: `oc_${branch.code}` },
        { kind: "text", text: "签到卡片" },
        { idempotencyKey: `bench-card-${meeting.id}` },
      );
      await db.db.insert(schema.meetingCards).values({
        meetingId: meeting.id,
        platform: "feishu",
        purpose: "sign_in",
        chatId: `oc_${branch.code}`,
        messageId: posted.messageId,
      });
      const codes = (
        await db.db.select().from(schema.members).where(eq(schema.members.branchId, branch.id))
      ).map((m) => m.code);
      return { meetingId: meeting.id, messageId: posted.messageId, members: codes };
    };
    const warmCards: Card[] = [];
    const rounds: Card[][] = Array.from({ length: o.rounds }, () => []);
    for (const branch of await db.db.select().from(schema.branches)) {
      warmCards.push(await meetingWithCard(branch, "预热"));
      for (const [r, cards] of rounds.entries())
        cards.push(await meetingWithCard(branch, `主题党日${r + 1}`));
    }
    const history = await seedHistory(db.db, o.historyMonths);

    // What `npm start` runs: the bundled entry, built the same way.
    execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "inherit" });
    const port = 20000 + Math.floor(Math.random() * 20000);
    const server = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
        "dist/node.mjs",
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          PORT: String(port),
          HOST: "127.0.0.1",
          DATABASE_URL: db.url,
          SCHEDULER_ENABLED: "false",
          LOG_LEVEL: "warn",
          FEISHU_APP_ID: fake.appId,
          FEISHU_APP_SECRET: fake.appSecret,
          FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
          FEISHU_VERIFICATION_TOKEN: TOKEN,
          FEISHU_DOMAIN: fake.url,
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    for (let i = 0; ; i++) {
      if (i > 200) throw new Error(`${name} did not start`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    return { name, db, process: server, port, warmCards, rounds, history };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** One server under the bench's load: zhibu, a baseline build of it, or an anchor. */
interface Target {
  name: string;
  port: number;
  pid: number | undefined;
  /** Its database's name: its Postgres backends are those connected to it. */
  database: string;
  warmup: LoadRequest[];
  /** The requests of round `r`, built just before they are sent (their signatures carry the time). */
  burst(r: number): ReturnType<typeof burstOf>;
  runs: Run[];
}

type Run = LoadResult & { cpu: CpuUse | undefined };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const rateOf = (t: Target) => median(t.runs.map((r) => r.rate));
const medianRun = (t: Target) => {
  const m = rateOf(t);
  return t.runs.find((r) => r.rate === m);
};

export async function benchSignin(options: Partial<SigninBenchOptions> = {}): Promise<BenchResult> {
  const o = { ...DEFAULTS, ...options };
  const url = process.env.TEST_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  // Between its bursts a server idles while the others run: keep-alive as long as a real API's (nginx: 75 s).
  const fake = await startFakeFeishuOpenApi({ keepAliveMs: 75_000 });
  const zhibus: ZhibuServer[] = [];
  let anchors: Awaited<ReturnType<typeof startAnchors>> | undefined;
  try {
    zhibus.push(await startZhibu("zhibu", process.cwd(), url, fake, o));
    // Another build of zhibu (e.g. a worktree of main) under the same load, for before/after in one run.
    const baseline = process.env.BENCH_SIGNIN_BASELINE;
    if (baseline) zhibus.push(await startZhibu("baseline", baseline, url, fake, o));
    const zhibu = zhibus[0] as ZhibuServer;
    if (anchorsAvailable()) anchors = await startAnchors(url, ENCRYPT_KEY);

    const targets: Target[] = zhibus.map((z) => ({
      name: z.name,
      port: z.port,
      pid: z.process.pid,
      database: new URL(z.db.url ?? "").pathname.slice(1),
      warmup: burstOf(z.warmCards, o).requests.slice(0, o.warmup),
      burst: (r) => burstOf(z.rounds[r] ?? [], o),
      runs: [],
    }));
    // The anchors get zhibu's clicks: the same members on the same cards, the cards numbered for them.
    const anchorIds = new Map<Card, number>();
    for (const [i, c] of zhibu.warmCards.entries()) anchorIds.set(c, i + 1);
    for (const [r, cards] of zhibu.rounds.entries())
      for (const [i, c] of cards.entries()) anchorIds.set(c, (r + 1) * 10_000 + i + 1);
    for (const a of anchors?.servers ?? []) {
      targets.push({
        name: a.name,
        port: a.port,
        pid: a.pid,
        database: a.database,
        warmup: burstOf(zhibu.warmCards, o, anchorIds).requests.slice(0, o.warmup),
        burst: (r) => burstOf(zhibu.rounds[r] ?? [], o, anchorIds),
        runs: [],
      });
    }

    for (const t of targets) await sendAll(t.port, t.warmup, o.concurrency, accepted);
    await new Promise((r) => setTimeout(r, 1000));

    // Round by round, each server in turn (who goes first rotates), so the ratios compare bursts sent
    // within the same minute or two: the machine's speed drifts by ±30% over minutes.
    let shape = burstOf(zhibu.rounds[0] ?? [], o);
    for (let r = 0; r < o.rounds; r++) {
      for (let k = 0; k < targets.length; k++) {
        const t = targets[(r + k) % targets.length] as Target;
        shape = t.burst(r);
        const before = await cpuSeconds(admin, t);
        const run = await sendAll(t.port, shape.requests, o.concurrency, accepted);
        const during = await cpuSeconds(admin, t);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        // Statements counted after the pause: backends report their counts to the statistics within a second.
        const after = await cpuSeconds(admin, t);
        t.runs.push({ ...run, cpu: cpuUse(before, during, after, run.sent) });
      }
    }

    // The cards' live counts are patched after the answers; give the refreshers a moment to finish.
    const timedOf = (z: ZhibuServer) => z.rounds.flat();
    const expected = new Map(
      zhibus.flatMap((z) =>
        timedOf(z).map((c) => [c.messageId, `已签到 **${c.members.length}**/应到 ${c.members.length}`]),
      ),
    );
    const finalCards = new Map<string, number>();
    for (let waited = 0; waited < 15_000; waited += 250) {
      const last = new Map<string, string>();
      for (const p of fake.patches) last.set(p.messageId, p.content);
      for (const z of zhibus) {
        finalCards.set(
          z.name,
          timedOf(z).filter((c) => last.get(c.messageId)?.includes(expected.get(c.messageId) ?? "\0")).length,
        );
      }
      if (zhibus.every((z) => finalCards.get(z.name) === timedOf(z).length)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const patches = (z: ZhibuServer) => {
      const mine = new Set(timedOf(z).map((c) => c.messageId));
      return fake.patches.filter((p) => mine.has(p.messageId)).length;
    };
    const members = zhibu.rounds.reduce((n, cards) => n + cards.reduce((m, c) => m + c.members.length, 0), 0);
    const stored = new Map<string, number>();
    for (const z of zhibus) {
      const [row] = await z.db.db
        .select({ n: count() })
        .from(schema.attendance)
        .where(
          inArray(
            schema.attendance.meetingId,
            timedOf(z).map((c) => c.meetingId),
          ),
        );
      stored.set(z.name, row?.n ?? 0);
    }
    const timedAnchorIds = zhibu.rounds.flat().map((c) => anchorIds.get(c) ?? 0);
    for (const a of anchors?.servers ?? []) stored.set(a.name, await a.stored(timedAnchorIds));

    const failedOf = (t: Target) => t.runs.reduce((n, r) => n + r.failed, 0);
    const zt = targets[0] as Target;
    const zm = medianRun(zt);
    if (!zm) throw new Error("no rounds were run");
    /** zhibu's rate over the other's, round by round (the bursts of one round are minutes apart at most). */
    const ratios = (other: Target) => zt.runs.map((run, r) => run.rate / (other.runs[r]?.rate ?? Number.NaN));
    const peer = targets.find((t) => t.name === "peer");
    const floor = targets.find((t) => t.name === "floor");
    const ratioTargets = { peer: 1.5, floor: 0.75 };
    const ratiosOk =
      (!peer || median(ratios(peer)) >= ratioTargets.peer) &&
      (!floor || median(ratios(floor)) >= ratioTargets.floor);
    const everyThingStored = targets.every((t) => stored.get(t.name) === members && failedOf(t) === 0);
    const allFinal = zhibus.every((z) => finalCards.get(z.name) === timedOf(z).length);
    const ok = everyThingStored && allFinal && ratiosOk && zm.rate >= 2000 && zm.p99 < 100;

    const pad = (s: string) => s.padEnd(9);
    const lines = [
      `${o.rounds} rounds; in each, every server gets a burst of ${shape.requests.length} signed sign-in callbacks (${shape.taps} members of ${o.branches} branches tap once, ${shape.doubles} tap again, ${shape.redelivered} callbacks are redelivered), ${o.concurrency} in flight, one server after another`,
      `  servers:   ${targets.map((t) => t.name).join(", ")}${anchors ? "" : ` (anchors not found at ${ANCHORS_DIR}: no ratios)`}`,
      `  database:  Postgres; zhibu's holds ${o.historyMonths} months of past meetings (${zhibu.history} attendance rows); each server warmed up on ${zt.warmup.length} sign-ins`,
    ];
    for (let r = 0; r < o.rounds; r++) {
      lines.push(`  round ${r + 1}:`);
      for (const t of targets) {
        const run = t.runs[r];
        if (run) lines.push(`    ${pad(t.name)} ${describeRun(run)}`);
      }
    }
    lines.push("  median burst:");
    for (const t of targets) {
      const m = medianRun(t);
      const z = zhibus.find((x) => x.name === t.name);
      lines.push(
        `    ${pad(t.name)} ${m ? `${m.rate.toFixed(0)}/s, p99 ${m.p99.toFixed(1)} ms` : "-"}; failed ${failedOf(t)}; stored ${stored.get(t.name)}/${members}${z ? `; cards ${finalCards.get(z.name)}/${timedOf(z).length} final, ${patches(z)} patches` : ""}`,
      );
    }
    for (const other of [...targets.slice(1)]) {
      const rs = ratios(other);
      const target =
        other.name in ratioTargets ? ratioTargets[other.name as keyof typeof ratioTargets] : undefined;
      lines.push(
        `  zhibu / ${pad(other.name)} ${rs.map((x) => x.toFixed(2)).join(", ")} by round → ${median(rs).toFixed(2)}${target ? ` (target ≥ ${target})` : ""}`,
      );
    }
    lines.push(
      `  zhibu:     ${zm.rate.toFixed(0)}/s (target ≥ 2000), p99 ${zm.p99.toFixed(1)} ms (target < 100 ms); every sign-in stored ${everyThingStored ? "yes" : "NO"}; every card final ${allFinal ? "yes" : "NO"}`,
      `  ${ok ? "OK" : "MISSED"}`,
    );
    return { name: "signin", ok, lines };
  } finally {
    for (const z of zhibus) z.process.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    await anchors?.close();
    await fake.close();
    for (const z of zhibus) await z.db.close();
    await admin.end({ timeout: 5 });
  }
}

function describeRun(r: Run): string {
  const c = r.cpu;
  const cpu = c
    ? `CPU per callback: server ${c.server} µs, Postgres ${c.postgres} µs, load ${c.load} µs; ${c.transactions} transactions per callback`
    : "CPU not measured (no /proc)";
  return `${r.rate.toFixed(0).padStart(5)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; ${cpu}`;
}

interface CpuTimes {
  server: number;
  /** Per Postgres backend connected to the server's database. */
  postgres: Map<string, number>;
  load: number;
  /** Transactions committed or rolled back in the server's database (each statement outside one is one). */
  transactions: number;
}

interface CpuUse {
  server: string;
  postgres: string;
  load: string;
  transactions: string;
}

/** CPU seconds used so far by the server, by its Postgres backends and by this process (Linux's /proc). */
async function cpuSeconds(admin: postgres.Sql, t: Target): Promise<CpuTimes | undefined> {
  const rows = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${t.database}`;
  const [stat] = await admin<{ n: string }[]>`
    select (xact_commit + xact_rollback)::text as n from pg_stat_database where datname = ${t.database}`;
  try {
    const ticks = (pid: string) => {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      return (Number(fields[11]) + Number(fields[12])) / 100;
    };
    const postgres = new Map<string, number>();
    for (const { pid } of rows) {
      try {
        postgres.set(String(pid), ticks(String(pid)));
      } catch {}
    }
    const self = process.cpuUsage();
    return {
      server: ticks(String(t.pid)),
      postgres,
      load: (self.user + self.system) / 1e6,
      transactions: Number(stat?.n ?? 0),
    };
  } catch {
    return undefined;
  }
}

/** CPU per callback, by process (where the two cores went), from the burst; transactions to the end of the pause after it. */
function cpuUse(
  before: CpuTimes | undefined,
  after: CpuTimes | undefined,
  settled: CpuTimes | undefined,
  callbacks: number,
): CpuUse | undefined {
  if (!before || !after || !settled) return undefined;
  // A pool opens backends as the burst needs them (and closes idle ones between bursts): one that
  // started during the burst counts whole.
  let postgres = 0;
  for (const [pid, t] of after.postgres) postgres += t - (before.postgres.get(pid) ?? 0);
  const micros = (seconds: number) => ((seconds / callbacks) * 1e6).toFixed(0);
  return {
    server: micros(after.server - before.server),
    postgres: micros(postgres),
    load: micros(after.load - before.load),
    transactions: ((settled.transactions - before.transactions) / callbacks).toFixed(2),
  };
}
