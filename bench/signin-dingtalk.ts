/**
 * The sign-in burst on DingTalk: signed card callbacks (`x-ddpaas-signature`) against the running server
 * (`npm start`'s bundled entry, as its own process) on real Postgres, its OpenAPI calls going to the fake
 * DingTalk OpenAPI.
 *
 * Every branch's 主题党日 starts at once and every member taps 签到 on their branch's card; some tap
 * twice (a new callback) and DingTalk delivers some callbacks twice (the same request again). DingTalk
 * wants each click answered within 2 s with the card's new variables — the clicker sees the new count
 * from the answer itself — while everyone else's copy is updated by `PUT /v1.0/card/instances`, at most
 * every 2 s per card and 2 calls a second for the whole app (the monthly API quota). So besides
 * throughput and p99 this bench counts the card updates sent per click, which must stay far below one,
 * and checks that every card still ends on its final count.
 */
import { execFileSync, spawn } from "node:child_process";
import { loadavg } from "node:os";
import { count, eq, inArray, sql } from "drizzle-orm";
import { importRoster } from "../src/app/import-roster.ts";
import { expectedAttendeeIds, insertMeeting } from "../src/db/queries/meetings.ts";
import * as schema from "../src/db/schema.ts";
import type { Database } from "../src/db/types.ts";
import { createDingTalkClient } from "../src/platforms/dingtalk/client.ts";
import { startFakeDingTalkOpenApi } from "../test/fakes/dingtalk-openapi.ts";
import { createFreshPostgres } from "../test/support/databases.ts";
import { buildCardCallbackRequest, cardCallbackBody } from "../test/support/dingtalk-requests.ts";
import type { BenchResult } from "./fanout.ts";
import { type LoadRequest, type LoadResult, sendAll } from "./http-load.ts";

const CALLBACK_SECRET = "bench_card_callback_secret";
const TEMPLATE_ID = "bench-zhibu-generic.schema";

export interface DingTalkSigninBenchOptions {
  branches: number;
  membersPerBranch: number;
  /** Share of members who tap 签到 a second time (a new callback, answered 您已签到). */
  doubleTaps: number;
  /** Share of callbacks DingTalk delivers twice (the same request, recognised as a repeat). */
  redeliveries: number;
  concurrency: number;
  /** Months of past monthly meetings already in the database. */
  historyMonths: number;
  /** Sign-ins answered before the timed bursts. */
  warmup: number;
  /** Timed bursts, each on its own meetings; the median is reported. */
  rounds: number;
}

// Fewer branches than the Feishu bench: DingTalk's live cards get 2 update calls a second for the whole
// app, so 20 cards a burst already take ~10 s of update calls to reach their final counts.
const DEFAULTS: DingTalkSigninBenchOptions = {
  branches: 20,
  membersPerBranch: 100,
  doubleTaps: 0.1,
  redeliveries: 0.05,
  concurrency: 32,
  historyMonths: 12,
  warmup: 2000,
  rounds: 3,
};

/** DingTalk's answer deadline for a click; the bench's p99 must stay well inside it. */
const ANSWER_DEADLINE_MS = 2000;

/** Branches b1…, each with members `${branch}-${n}` (the first is its 书记), each with a DingTalk staffId. */
function organRoster(o: DingTalkSigninBenchOptions): string {
  const lines = ["organisation: { id: bench, name: 压测机关党委 }", "branches:"];
  for (let b = 1; b <= o.branches; b++) lines.push(`  - { id: b${b}, name: 第${b}党支部 }`);
  lines.push("members:");
  for (let b = 1; b <= o.branches; b++) {
    for (let m = 0; m < o.membersPerBranch; m++) {
      const id = `${b}-${m}`;
      const role = m === 0 ? "书记" : "党员";
      lines.push(
        `  - { id: "${id}", name: 党员${id}, branch: b${b}, role: ${role}, dingtalk: { staff_id: "st${id}" } }`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** A year of past meetings and attendance, analysed, so Postgres plans as it would in service. */
async function seedHistory(db: Database, months: number): Promise<void> {
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
      select meeting_id, member_id, 'present'::attendance_status, false, 'card', now() - interval '1 day'
      from invited`);
  }
  await db.execute(sql`analyze`);
}

/** A fixed shuffle, so every run sends the same bursts. */
function shuffled<T>(items: T[], seed = 20261125): T[] {
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
  outTrackId: string;
  members: string[];
}

interface Tap {
  card: Card;
  code: string;
  request: LoadRequest;
}

// Every callback gets its own signature timestamp: two taps by one member are two clicks, while a
// redelivery repeats the same request (and timestamp) and is recognised.
let clickClock = Date.now();
function tap(card: Card, code: string): Tap {
  const { body, headers } = buildCardCallbackRequest(
    cardCallbackBody({
      outTrackId: card.outTrackId,
      userId: `st${code}`,
      params: { action: JSON.stringify({ action: "meeting.sign_in", meeting: card.meetingId }) },
    }),
    CALLBACK_SECRET,
    { timestamp: ++clickClock },
  );
  return { card, code, request: { path: "/dingtalk/card", headers, body } };
}

function burstOf(cards: Card[], o: DingTalkSigninBenchOptions) {
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

/** A sign-in refused or failed shows a warning or error toast to the clicker. */
const accepted = (status: number, body: string) =>
  status === 200 && !/"toast_type":"(error|warning)"/.test(body);

export async function benchSigninDingTalk(
  options: Partial<DingTalkSigninBenchOptions> = {},
): Promise<BenchResult> {
  const o = { ...DEFAULTS, ...options };
  const url = process.env.TEST_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
  const db = await createFreshPostgres(url);
  const fake = await startFakeDingTalkOpenApi();
  const config = fake.config({ cardTemplateId: TEMPLATE_ID, cardCallbackSecret: CALLBACK_SECRET });
  const port = 20000 + Math.floor(Math.random() * 20000);
  let server: ReturnType<typeof spawn> | undefined;
  try {
    const now = new Date();
    await importRoster(db.db, organRoster(o), { now, timezone: "Asia/Shanghai" });
    const [org] = await db.db.select().from(schema.organisations);
    if (!org || !db.url) throw new Error("bench setup failed");
    const client = createDingTalkClient(config);

    // Each branch's meetings, each with its sign-in card delivered to the branch's group as the outbox
    // would have delivered it (the fake must know the card for the updates to land).
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
      const chatId = `cid_${branch.code}`;
      const posted = await client.send(
        { type: "chat", id: chatId },
        {
          kind: "card",
          card: {
            header: { title: `签到：${title}` },
            blocks: [{ type: "markdown", text: `已签到 **0**/应到 ${invitees.length}` }],
          },
        },
        { idempotencyKey: `bench-card-${meeting.id}` },
      );
      await db.db.insert(schema.meetingCards).values({
        meetingId: meeting.id,
        platform: "dingtalk",
        purpose: "sign_in",
        chatId,
        messageId: posted.messageId,
      });
      const codes = (
        await db.db.select().from(schema.members).where(eq(schema.members.branchId, branch.id))
      ).map((m) => m.code);
      return { meetingId: meeting.id, outTrackId: posted.messageId, members: codes };
    };
    const warmCards: Card[] = [];
    const rounds: Card[][] = Array.from({ length: o.rounds }, () => []);
    for (const branch of await db.db.select().from(schema.branches)) {
      warmCards.push(await meetingWithCard(branch, "预热"));
      for (const [r, cards] of rounds.entries())
        cards.push(await meetingWithCard(branch, `主题党日${r + 1}`));
    }
    await seedHistory(db.db, o.historyMonths);

    execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
    server = spawn(process.execPath, ["dist/node.mjs"], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: db.url,
        SCHEDULER_ENABLED: "false",
        LOG_LEVEL: "warn",
        DINGTALK_APP_KEY: fake.appKey,
        DINGTALK_APP_SECRET: fake.appSecret,
        DINGTALK_CARD_TEMPLATE_ID: TEMPLATE_ID,
        DINGTALK_CARD_CALLBACK_SECRET: CALLBACK_SECRET,
        DINGTALK_API_BASE: fake.url,
        DINGTALK_OAPI_BASE: fake.url,
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    for (let i = 0; ; i++) {
      if (i > 200) throw new Error("server did not start");
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }

    const warmup = burstOf(warmCards, o).requests.slice(0, o.warmup);
    await sendAll(port, warmup, o.concurrency, accepted);

    // A card's count as its last update (or its creation) left it.
    const finalText = (c: Card) => `已签到 **${c.members.length}**/应到 ${c.members.length}`;
    const isFinal = (c: Card) =>
      Object.values(fake.cards.get(c.outTrackId)?.data ?? {}).some((v) => v.includes(finalText(c)));
    const waitFinal = async (cards: Card[], ms: number) => {
      const started = Date.now();
      while (Date.now() - started < ms && !cards.every(isFinal)) await new Promise((r) => setTimeout(r, 250));
      return { final: cards.filter(isFinal).length, seconds: (Date.now() - started) / 1000 };
    };
    // The warm-up cards' updates would otherwise share the app's 2 calls a second with the timed ones'.
    await waitFinal(warmCards, 60_000);

    const updatesTo = (cards: Card[]) => {
      const ids = new Set(cards.map((c) => c.outTrackId));
      return fake.calls.filter(
        (c) =>
          c.method === "PUT" &&
          c.path === "/v1.0/card/instances" &&
          ids.has(String((c.body as { outTrackId?: unknown }).outTrackId)),
      ).length;
    };
    const runs: (LoadResult & { updates: number; final: number; settleSeconds: number })[] = [];
    let shape = burstOf(rounds[0] ?? [], o);
    for (const cards of rounds) {
      shape = burstOf(cards, o);
      const run = await sendAll(port, shape.requests, o.concurrency, accepted);
      const settled = await waitFinal(cards, 90_000);
      runs.push({ ...run, updates: updatesTo(cards), final: settled.final, settleSeconds: settled.seconds });
    }

    const timed = rounds.flat();
    const [stored] = await db.db
      .select({ n: count() })
      .from(schema.attendance)
      .where(
        inArray(
          schema.attendance.meetingId,
          timed.map((c) => c.meetingId),
        ),
      );
    const members = timed.reduce((n, c) => n + c.members.length, 0);
    const allStored = stored?.n === members;
    const median = [...runs].sort((a, b) => a.rate - b.rate)[Math.floor(runs.length / 2)];
    if (!median) throw new Error("no rounds were run");
    const failed = runs.reduce((n, r) => n + r.failed, 0);
    const finalCards = runs.reduce((n, r) => n + r.final, 0);
    const clicks = runs.reduce((n, r) => n + r.sent, 0);
    const updates = runs.reduce((n, r) => n + r.updates, 0);
    const perClick = updates / clicks;
    const ok =
      failed === 0 &&
      allStored &&
      finalCards === timed.length &&
      median.p99 < ANSWER_DEADLINE_MS / 2 &&
      perClick < 0.1;
    return {
      name: "signin-dingtalk",
      ok,
      lines: [
        `${o.rounds} bursts of ${shape.requests.length} signed DingTalk card callbacks each: ${shape.taps} members of ${o.branches} branches tap once, ${shape.doubles} tap again, ${shape.redelivered} callbacks are redelivered; ${o.concurrency} in flight`,
        `  database:    Postgres with ${o.historyMonths} months of past meetings; the server warmed up on ${warmup.length} sign-ins`,
        ...runs.map(
          (r, i) =>
            `  burst ${i + 1}:     ${r.rate.toFixed(0)} callbacks/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; ${r.updates} card updates (${(r.updates / r.sent).toFixed(3)} per click), cards final ${r.settleSeconds.toFixed(1)} s after the burst`,
        ),
        `  median:      ${median.rate.toFixed(0)} callbacks/s, p99 ${median.p99.toFixed(1)} ms (target < ${ANSWER_DEADLINE_MS / 2} ms: half of DingTalk's ${ANSWER_DEADLINE_MS} ms answer deadline); machine load ${loadavg()[0]?.toFixed(1)}`,
        `  failed:      ${failed}`,
        `  in database: ${stored?.n} sign-ins for ${members} members ${allStored ? "(all)" : "(MISSING SOME)"}`,
        `  cards:       ${finalCards}/${timed.length} show their final count`,
        `  updates:     ${updates} PUT /v1.0/card/instances for ${clicks} clicks = ${perClick.toFixed(3)} per click (target < 0.1; the clicker's own card comes from the callback's answer)`,
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
