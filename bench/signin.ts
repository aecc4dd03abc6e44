/**
 * A burst of sign-in clicks against the running server (`npm start`'s entry, as its own process) on
 * real Postgres, with Feishu's encryption and signatures, answering through the fake Feishu OpenAPI.
 *
 * The burst is the organ's worst minute: every branch's 主题党日 starts at once and every member taps
 * 签到 on their branch's card, some tap twice, and Feishu redelivers some callbacks. Each request is
 * sent once, 32 at a time. The database holds a year of past meetings, and the server has answered a
 * few thousand sign-ins before (as one that has been up for a while has). Three bursts, each on its
 * own meetings, are timed; their median is held against the target on a 2-core machine: ≥ 2,000
 * callbacks/s with p99 under 100 ms, every accepted sign-in in the database, and every card's last
 * patch showing its final count.
 */
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { count, eq, inArray, sql } from "drizzle-orm";
import { importRoster } from "../src/app/import-roster.ts";
import { expectedAttendeeIds, insertMeeting } from "../src/db/queries/meetings.ts";
import * as schema from "../src/db/schema.ts";
import type { Database } from "../src/db/types.ts";
import { createFeishuClient } from "../src/platforms/feishu/client.ts";
import { startFakeFeishuOpenApi } from "../test/fakes/feishu-openapi.ts";
import { createFreshPostgres } from "../test/support/databases.ts";
import { buildFeishuRequest, cardActionEvent } from "../test/support/feishu-requests.ts";
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

function tap(card: Card, code: string): Tap {
  const { body, headers } = buildFeishuRequest(
    cardActionEvent({
      openId: `ou_${code}`,
      messageId: card.messageId,
      value: { action: "meeting.sign_in", meeting: card.meetingId },
    }),
    { encryptKey: ENCRYPT_KEY, verificationToken: TOKEN },
  );
  return { card, code, request: { path: "/feishu/events", headers, body } };
}

/** One tap per member, then double taps (new events) and redeliveries (the same event again), each after the tap it repeats. */
function burstOf(cards: Card[], o: SigninBenchOptions) {
  const firstTaps = shuffled(cards.flatMap((card) => card.members.map((code) => tap(card, code))));
  const doubles = Math.round(firstTaps.length * o.doubleTaps);
  const redelivered = Math.round(firstTaps.length * o.redeliveries);
  const burst = [...firstTaps];
  for (const [k, repeated] of shuffled(firstTaps)
    .slice(0, doubles + redelivered)
    .entries()) {
    const after = burst.indexOf(repeated) + 1;
    const at = after + ((k * 7919) % (burst.length - after + 1));
    burst.splice(at, 0, k < doubles ? tap(repeated.card, repeated.code) : repeated);
  }
  return { requests: burst.map((t) => t.request), taps: firstTaps.length, doubles, redelivered };
}

/** A sign-in refused or failed shows a warning or error toast; repeats answer with info or nothing. */
const accepted = (status: number, body: string) => status === 200 && !/"type":"(error|warning)"/.test(body);

export async function benchSignin(options: Partial<SigninBenchOptions> = {}): Promise<BenchResult> {
  const o = { ...DEFAULTS, ...options };
  const url = process.env.TEST_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
  const db = await createFreshPostgres(url);
  const fake = await startFakeFeishuOpenApi();
  const port = 20000 + Math.floor(Math.random() * 20000);
  let server: ReturnType<typeof spawn> | undefined;
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
    execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
    server = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
        "dist/node.mjs",
      ],
      {
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
      if (i > 200) throw new Error("server did not start");
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }

    const warmup = burstOf(warmCards, o).requests.slice(0, o.warmup);
    await sendAll(port, warmup, o.concurrency, accepted);
    await new Promise((r) => setTimeout(r, 1000));

    const runs: (LoadResult & { cpu: string })[] = [];
    let shape = burstOf(rounds[0] ?? [], o);
    for (const cards of rounds) {
      shape = burstOf(cards, o);
      const before = cpuSeconds(server.pid);
      const run = await sendAll(port, shape.requests, o.concurrency, accepted);
      runs.push({ ...run, cpu: cpuLine(before, cpuSeconds(server.pid), run.sent) });
      await new Promise((r) => setTimeout(r, 1000));
    }

    // The cards' live counts are patched after the answers; give the refreshers a moment to finish.
    const timed = rounds.flat();
    const expected = new Map(
      timed.map((c) => [c.messageId, `已签到 **${c.members.length}**/应到 ${c.members.length}`]),
    );
    let finalCards = 0;
    for (let waited = 0; waited < 15_000; waited += 250) {
      const last = new Map<string, string>();
      for (const p of fake.patches) last.set(p.messageId, p.content);
      finalCards = [...expected].filter(([id, text]) => last.get(id)?.includes(text)).length;
      if (finalCards === timed.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const [stored] = await db.db
      .select({ n: count() })
      .from(schema.attendance)
      .where(
        inArray(
          schema.attendance.meetingId,
          timed.map((c) => c.meetingId),
        ),
      );
    const members = rounds.reduce((n, cards) => n + cards.reduce((m, c) => m + c.members.length, 0), 0);
    const allStored = stored?.n === members;
    const median = [...runs].sort((a, b) => a.rate - b.rate)[Math.floor(runs.length / 2)];
    if (!median) throw new Error("no rounds were run");
    const failed = runs.reduce((n, r) => n + r.failed, 0);
    const ok =
      failed === 0 && allStored && finalCards === timed.length && median.rate >= 2000 && median.p99 < 100;
    return {
      name: "signin",
      ok,
      lines: [
        `${o.rounds} bursts of ${shape.requests.length} signed sign-in callbacks each: ${shape.taps} members of ${o.branches} branches tap once, ${shape.doubles} tap again, ${shape.redelivered} callbacks are redelivered; ${o.concurrency} in flight`,
        `  database:    Postgres with ${o.historyMonths} months of past meetings (${history} attendance rows); the server warmed up on ${warmup.length} sign-ins`,
        ...runs.map(
          (r, i) =>
            `  burst ${i + 1}:     ${r.rate.toFixed(0)} callbacks/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; ${r.cpu}`,
        ),
        `  median:      ${median.rate.toFixed(0)} callbacks/s (target ≥ 2000), p99 ${median.p99.toFixed(1)} ms (target < 100 ms)`,
        `  failed:      ${failed}`,
        `  in database: ${stored?.n} sign-ins for ${members} members ${allStored ? "(all)" : "(MISSING SOME)"}`,
        `  cards:       ${finalCards}/${timed.length} show their final count; ${fake.patches.length} patches in all`,
        `  ${ok ? "OK" : "MISSED"}`,
      ],
    };
  } finally {
    server?.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    await fake.close();
    await db.close();
  }
}

interface CpuTimes {
  server: number;
  /** Per Postgres process: backends come and go, and only those alive at both readings are compared. */
  postgres: Map<string, number>;
  load: number;
}

/** CPU seconds used so far by the server, by each Postgres process and by this process (Linux's /proc). */
function cpuSeconds(serverPid: number | undefined): CpuTimes | undefined {
  try {
    const ticks = (pid: string) => {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      return (Number(fields[11]) + Number(fields[12])) / 100;
    };
    const postgres = new Map<string, number>();
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres") postgres.set(pid, ticks(pid));
      } catch {}
    }
    const self = process.cpuUsage();
    return { server: ticks(String(serverPid)), postgres, load: (self.user + self.system) / 1e6 };
  } catch {
    return undefined;
  }
}

/** CPU per callback, by process: where the two cores went. */
function cpuLine(before: CpuTimes | undefined, after: CpuTimes | undefined, callbacks: number): string {
  if (!before || !after) return "CPU not measured (no /proc)";
  let postgres = 0;
  for (const [pid, t] of after.postgres) postgres += t - (before.postgres.get(pid) ?? t);
  const micros = (seconds: number) => ((seconds / callbacks) * 1e6).toFixed(0);
  return `CPU per callback: server ${micros(after.server - before.server)} µs, Postgres ${micros(postgres)} µs, load ${micros(after.load - before.load)} µs`;
}
