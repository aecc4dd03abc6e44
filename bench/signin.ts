/**
 * A burst of sign-in clicks against the running server (`npm start`'s entry, as its own process) on
 * real Postgres, with Feishu's encryption and signatures, answering through the fake Feishu OpenAPI.
 * Prints throughput and p50/p99 latency; the target on a 2-core machine is ≥ 2,000 callbacks/s with
 * p99 under 100 ms, and every accepted sign-in in the database.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { count, eq } from "drizzle-orm";
import { importRoster } from "../src/app/import-roster.ts";
import { expectedAttendeeIds, insertMeeting } from "../src/db/queries/meetings.ts";
import * as schema from "../src/db/schema.ts";
import { createFeishuClient } from "../src/platforms/feishu/client.ts";
import { startFakeFeishuOpenApi } from "../test/fakes/feishu-openapi.ts";
import { createFreshPostgres } from "../test/support/databases.ts";
import { buildFeishuRequest, cardActionEvent } from "../test/support/feishu-requests.ts";
import type { BenchResult } from "./fanout.ts";

const ENCRYPT_KEY = "bench_encrypt_key_0123456789";
const TOKEN = "bench_verification_token";

/** One branch of `members` people, each with a Feishu open_id. */
function bigRoster(members: number): string {
  const lines = [
    "organisation: { id: bench, name: 压测机关党委 }",
    "branches:",
    "  - { id: big, name: 压测党支部 }",
    "members:",
  ];
  for (let i = 0; i < members; i++) {
    const id = String(100000 + i);
    lines.push(
      `  - { id: "${id}", name: 党员${id}, branch: big, role: ${i === 0 ? "书记" : "党员"}, feishu: { open_id: ou_bench${id} } }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export async function benchSignin(members = 2000, duplicates = 1, concurrency = 32): Promise<BenchResult> {
  const base = process.env.TEST_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
  const db = await createFreshPostgres(base);
  const fake = await startFakeFeishuOpenApi();
  const port = 20000 + Math.floor(Math.random() * 20000);
  let server: ReturnType<typeof spawn> | undefined;
  try {
    const now = new Date();
    await importRoster(db.db, bigRoster(members), { now, timezone: "Asia/Shanghai" });
    const [org] = await db.db.select().from(schema.organisations);
    const [branch] = await db.db.select().from(schema.branches);
    if (!org || !branch || !db.url) throw new Error("bench setup failed");
    const invitees = await expectedAttendeeIds(db.db, {
      orgId: org.id,
      branchId: branch.id,
      kind: "general_assembly",
      partyGroupId: null,
    });
    const meeting = await insertMeeting(
      db.db,
      {
        orgId: org.id,
        branchId: branch.id,
        partyGroupId: null,
        kind: "general_assembly",
        title: "压测党员大会",
        startsAt: new Date(now.getTime() + 3_600_000),
        endsAt: new Date(now.getTime() + 7_200_000),
        place: "礼堂",
        createdBy: null,
      },
      invitees,
      now,
    );
    // A posted sign-in card, recorded as the outbox would, so the clicks' live counts patch a real message.
    const posted = await createFeishuClient(fake.config()).send(
      { type: "chat", id: "oc_bench" },
      { kind: "text", text: "签到卡片" },
      { idempotencyKey: "bench-signin-card" },
    );
    await db.db.insert(schema.meetingCards).values({
      meetingId: meeting.id,
      platform: "feishu",
      purpose: "sign_in",
      chatId: "oc_bench",
      messageId: posted.messageId,
    });

    const env = {
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
    };
    server = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
        "--import",
        "tsx",
        "src/entry/node.ts",
      ],
      { env, stdio: ["ignore", "pipe", "inherit"] },
    );
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (i > 200) throw new Error("server did not start");
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }

    // Built before timing: every member clicks once, plus duplicates, each a distinct Feishu event.
    const requests: { body: string; headers: Record<string, string> }[] = [];
    for (let round = 0; round <= duplicates; round++) {
      for (let i = 0; i < members; i++) {
        const payload = cardActionEvent({
          openId: `ou_bench${100000 + i}`,
          messageId: posted.messageId,
          value: { action: "meeting.sign_in", meeting: meeting.id },
        });
        requests.push(buildFeishuRequest(payload, { encryptKey: ENCRYPT_KEY, verificationToken: TOKEN }));
      }
    }
    // Warm up connections and caches with a few requests outside the measurement.
    for (const r of requests.slice(0, 20)) await fetch(`${base}/feishu/events`, { method: "POST", ...r });
    const measured = requests.slice(20);

    const wrk = process.env.BENCH_NO_WRK ? undefined : findWrk();
    const run = wrk
      ? await measureWithWrk(wrk, base, measured, concurrency)
      : await measureWithFetch(base, measured, concurrency);
    const [stored] = await db.db
      .select({ n: count() })
      .from(schema.attendance)
      .where(eq(schema.attendance.meetingId, meeting.id));
    // Every member clicked at least once when the load went once through the first round.
    const firstRound = members - 20;
    const expectStored = run.sent >= firstRound + concurrency ? members : undefined;
    const allStored = expectStored === undefined ? false : stored?.n === expectStored;
    const ok = run.failed === 0 && allStored && run.rate >= 2000 && run.p99 < 100;
    return {
      name: "signin",
      ok,
      lines: [
        `${run.sent} signed sign-in callbacks (${members} members, each ${duplicates + 1}×) on Postgres, ${concurrency} in flight, load from ${run.tool}`,
        `  throughput:  ${run.rate.toFixed(0)} callbacks/s (target ≥ 2000)`,
        `  latency:     p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms (target p99 < 100 ms)`,
        `  failed:      ${run.failed}`,
        `  in database: ${stored?.n} attendance rows for ${members} members ${allStored ? "(all)" : "(MISSING SOME, or the run was too short to reach everyone)"}`,
        `  card patches: ${fake.patches.length} (coalesced from ${run.sent} clicks)`,
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

interface LoadRun {
  tool: string;
  sent: number;
  rate: number;
  p50: number;
  p99: number;
  failed: number;
}

type SignedRequest = { body: string; headers: Record<string, string> };

/** The Node client is heavy next to the server on two cores; wrk (Debian's `wrk`) measures the server more fairly. */
function findWrk(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v wrk"], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

async function measureWithFetch(
  base: string,
  requests: SignedRequest[],
  concurrency: number,
): Promise<LoadRun> {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const r = requests[next++];
        if (!r) break;
        const t0 = performance.now();
        const res = await fetch(`${base}/feishu/events`, { method: "POST", ...r });
        const body = (await res.json()) as { toast?: { type?: string } };
        latencies.push(performance.now() - t0);
        if (!res.ok || body.toast?.type === "error") failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    tool: "Node fetch",
    sent: requests.length,
    rate: requests.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failed,
  };
}

const WRK_SCRIPT = `
local reqs = {}
local i = 0
init = function(args)
  local f = io.open(args[1], "r")
  while true do
    local ts = f:read("*l")
    if not ts then break end
    local nonce = f:read("*l")
    local sig = f:read("*l")
    local body = f:read("*l")
    reqs[#reqs + 1] = wrk.format("POST", "/feishu/events", {
      ["Content-Type"] = "application/json; charset=utf-8",
      ["X-Lark-Request-Timestamp"] = ts, ["X-Lark-Request-Nonce"] = nonce, ["X-Lark-Signature"] = sig }, body)
  end
  f:close()
end
request = function()
  i = i % #reqs + 1
  return reqs[i]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d\\n", summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), e.status + e.connect + e.read + e.write + e.timeout))
end
`;

/** One pass over the requests (later ones are Feishu-style retries of the same events, answered from the dedup). */
async function measureWithWrk(
  wrk: string,
  base: string,
  requests: SignedRequest[],
  concurrency: number,
): Promise<LoadRun> {
  const dir = mkdtempSync(join(tmpdir(), "zhibu-bench-"));
  try {
    writeFileSync(join(dir, "signin.lua"), WRK_SCRIPT);
    writeFileSync(
      join(dir, "requests.txt"),
      requests
        .map((r) =>
          [
            r.headers["x-lark-request-timestamp"],
            r.headers["x-lark-request-nonce"],
            r.headers["x-lark-signature"],
            r.body,
          ].join("\n"),
        )
        .join("\n"),
    );
    const out = spawnSync(
      wrk,
      [
        "-t1",
        `-c${concurrency}`,
        "-d3s",
        "--latency",
        "-s",
        join(dir, "signin.lua"),
        `${base}/feishu/events`,
        "--",
        join(dir, "requests.txt"),
      ],
      { encoding: "utf8" },
    );
    const m = /WRK (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(out.stdout);
    if (!m) throw new Error(`wrk gave no figures:\n${out.stdout}${out.stderr}`);
    const [sent, micros, p50, p99, failed] = m.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
    ];
    return { tool: "wrk", sent, rate: sent / (micros / 1e6), p50: p50 / 1000, p99: p99 / 1000, failed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
