/**
 * Nothing acknowledged is lost, nothing is done twice — with real processes, real Postgres and its
 * connections cut mid-stream, and a server stopped by SIGTERM while it works. Feishu's side is played as
 * Feishu plays it: a request not answered 2xx is delivered again, with the same event id.
 */
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rawRows } from "../../src/db/raw-rows.ts";
import { type FakeFeishuOpenApi, startFakeFeishuOpenApi } from "../fakes/feishu-openapi.ts";
import { createFreshPostgres, type TestDatabase } from "../support/databases.ts";
import { buildFeishuRequest, messageEvent } from "../support/feishu-requests.ts";
import { type Spawned, startServer, startWithNpm } from "../support/processes.ts";
import { importExampleRoster } from "../support/roster.ts";

const pgUrl = process.env.TEST_DATABASE_URL;
const ENCRYPT_KEY = "faults-encrypt-key-1";
const TOKEN = "vt_faults";
const SECRETARY_OPEN_ID = "ou_389e8786973da9733e3fcfb5deac2aef"; // 1001 刘志强, 办公室党支部 书记
const BGS_CHAT = "oc_781e394dcaa70cab93af9dc0b5cfa3f0";

describe.skipIf(!pgUrl)("faults on real Postgres (needs TEST_DATABASE_URL)", () => {
  let db: TestDatabase;
  let fake: FakeFeishuOpenApi;
  const running: Spawned[] = [];
  beforeAll(async () => {
    db = await createFreshPostgres(pgUrl as string);
    await importExampleRoster(db.db);
    fake = await startFakeFeishuOpenApi();
  });
  afterEach(() => {
    for (const s of running.splice(0)) {
      try {
        if ("group" in s) process.kill(-(s.group as number), "SIGKILL");
        else s.child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
    }
  });
  afterAll(async () => {
    await fake?.close();
    await db?.close();
  });

  async function start(how: "node" | "npm start" = "node") {
    const server = (how === "npm start" ? startWithNpm : startServer)({
      DATABASE_URL: db.url as string,
      FEISHU_APP_ID: fake.appId,
      FEISHU_APP_SECRET: fake.appSecret,
      FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
      FEISHU_VERIFICATION_TOKEN: TOKEN,
      FEISHU_DOMAIN: fake.url,
      OUTBOX_TARGET_INTERVAL_MS: "1000",
      // What a cut connection leaves claimed comes back after the lease: short, so the test need not wait long.
      OUTBOX_LEASE_SECONDS: "10",
    });
    running.push(server);
    const [, port] = await server.waitFor(/支部助手已启动：http:\/\/127\.0\.0\.1:(\d+)/, 90_000);
    return { server, base: `http://127.0.0.1:${port}` };
  }

  /** Waits until nothing answers on the server's port any more (node may outlive npm by a moment). */
  async function stopped(base: string) {
    for (let i = 0; i < 150; i++) {
      const answer = await fetch(`${base}/healthz`).catch(() => undefined);
      if (!answer) {
        await new Promise((r) => setTimeout(r, 500));
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${base} still answers 15 s after SIGTERM`);
  }

  /** Posts as Feishu does, again and again while the answer is not 2xx; resolves with how many tries it took. */
  async function deliver(base: string, payload: Record<string, unknown>): Promise<number> {
    for (let attempt = 1; attempt <= 60; attempt++) {
      const req = buildFeishuRequest(payload, { encryptKey: ENCRYPT_KEY, verificationToken: TOKEN });
      const res = await fetch(`${base}/feishu/events`, { method: "POST", ...req }).catch(() => undefined);
      if (res?.ok) return attempt;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`never accepted; server output:\n${running.at(-1)?.output().slice(-3000)}`);
  }

  const command = (day: number, eventId: string) =>
    messageEvent({
      openId: SECRETARY_OPEN_ID,
      chatId: BGS_CHAT,
      text: `安排 支部委员会 2030年1月${day}日 15:00 会议室${day}`,
      mentionBotAs: "支部助手",
      eventId,
    });

  const meetingsByPlace = async () =>
    (await rawRows(db.db, sql`select place, count(*)::int as n from meetings group by place`)).map((r) => [
      r.place,
      Number(r.n),
    ]);
  const confirmations = () =>
    fake.messagesTo(BGS_CHAT).filter((m) => JSON.stringify(m.parsed).includes("会议已安排")).length;
  async function until(check: () => Promise<boolean> | boolean, timeoutMs = 90_000) {
    const end = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > end)
        throw new Error(
          `condition not reached in time; server output:\n${running.at(-1)?.output().slice(-6000)}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it("connections cut again and again while 10 commands arrive: each meeting once, each confirmation once", {
    timeout: 240_000,
  }, async () => {
    const { base } = await start();
    const admin = postgres(pgUrl as string, { max: 1, onnotice: () => {} });
    const name = new URL(db.url as string).pathname.slice(1);
    const cut = () =>
      admin.unsafe(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid() and application_name <> 'zhibu-test'`,
      );
    let tries = 0;
    for (let day = 1; day <= 10; day++) {
      const delivered = deliver(base, command(day, `ev_fault_cut_${day}`));
      if (day % 2 === 0) await cut();
      tries += await delivered;
      if (day % 3 === 0) await cut();
    }
    await until(() => confirmations() >= 10);
    // Give duplicates every chance to appear before counting.
    await new Promise((r) => setTimeout(r, 3000));
    const places = await meetingsByPlace();
    expect(places).toHaveLength(10);
    expect(places.every(([, n]) => n === 1)).toBe(true);
    expect(confirmations()).toBe(10);
    const pending = await rawRows(
      db.db,
      sql`select count(*)::int as n from inbound_events where state <> 'done'`,
    );
    expect(Number(pending[0]?.n)).toBe(0);
    await admin.end();
    expect(tries).toBeGreaterThanOrEqual(10);
  });

  it("SIGTERM to the process group under `npm start` while it works: what was acknowledged is done, once", {
    timeout: 240_000,
  }, async () => {
    const before = confirmations();
    const first = await start("npm start");
    const group = (first.server as unknown as { group: number }).group;
    for (let day = 11; day <= 16; day++) await deliver(first.base, command(day, `ev_fault_term_${day}`));
    // As systemd and Ctrl-C do: the signal reaches npm and node at once; npm relays it once more.
    process.kill(-group, "SIGTERM");
    await first.server.exited;
    await stopped(first.base);
    expect(first.server.output()).toContain("已停止");
    expect(first.server.output()).not.toContain("再次收到");
    const second = await start();
    await until(() => confirmations() >= before + 6);
    await new Promise((r) => setTimeout(r, 3000));
    const places = await meetingsByPlace();
    expect(places).toHaveLength(16);
    expect(places.every(([, n]) => n === 1)).toBe(true);
    expect(confirmations()).toBe(before + 6);
    second.server.child.kill("SIGTERM");
    expect((await second.server.exited).code).toBe(0);
  });

  it("SIGTERM to npm alone stops the server too: no orphan keeps the port", {
    timeout: 120_000,
  }, async () => {
    const { server, base } = await start("npm start");
    server.child.kill("SIGTERM");
    await server.exited;
    await stopped(base);
    expect(server.output(), server.output()).toContain("已停止");
  });
});
