/**
 * The Worker build (src/entry/worker.ts, wrangler.toml) under workerd, started once exactly as
 * `npm run dev:worker` starts it, with the real Feishu SDK against the fake Feishu OpenAPI on
 * 127.0.0.1 and a fresh database on the local Postgres. Real clock: the meeting is set 10 minutes
 * from now, so the Cron tick finds its sign-in card and its one-hour reminder due.
 */
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.ts";
import { type FakeFeishuOpenApi, startFakeFeishuOpenApi } from "../fakes/feishu-openapi.ts";
import { createFreshPostgres, type TestDatabase } from "../support/databases.ts";
import { buildFeishuRequest, loadFeishuFixture } from "../support/feishu-requests.ts";
import { createTestMeeting } from "../support/meetings.ts";
import {
  ENCRYPT_KEY,
  feishuDriver,
  type PlatformDriver,
  VERIFICATION_TOKEN,
} from "../support/platform-drivers.ts";
import { type Spawned, spawnNodeGroup, stopGroup } from "../support/processes.ts";
import { importExampleRoster } from "../support/roster.ts";

const pgUrl = process.env.TEST_DATABASE_URL;

/** Why this machine cannot run the test, or undefined when it can. */
function unavailable(): string | undefined {
  if (!pgUrl) return "TEST_DATABASE_URL 未设置（Worker 只能连 Postgres）";
  const workerd = new URL("../../node_modules/.bin/workerd", import.meta.url).pathname;
  const probe = spawnSync(workerd, ["--version"], { encoding: "utf8", timeout: 20_000 });
  if (probe.status !== 0)
    return `workerd 无法运行（${probe.error?.message ?? probe.stderr.trim().split("\n")[0] ?? `exit ${probe.status}`}）`;
  return undefined;
}
const skipReason = unavailable();
if (skipReason) console.warn(`test/runtime/worker.test.ts skipped: ${skipReason}`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const textsTo = (fake: FakeFeishuOpenApi, chat: string) =>
  fake.messagesTo(chat).map((m) => (m.parsed as { text?: string }).text ?? JSON.stringify(m.parsed));

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(skipReason)(
  `the Worker under workerd${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let db: TestDatabase;
    let fake: FakeFeishuOpenApi;
    let worker: Spawned;
    let base: string;
    let p: PlatformDriver;
    let chat: string;
    let meetingId: string;

    const openIdOf = async (code: string) => {
      const [row] = await db.db
        .select({ value: schema.memberIdentities.value })
        .from(schema.memberIdentities)
        .innerJoin(schema.members, eq(schema.members.id, schema.memberIdentities.memberId))
        .where(and(eq(schema.members.code, code), eq(schema.memberIdentities.kind, "open_id")));
      if (!row) throw new Error(`no open_id for ${code}`);
      return row.value;
    };
    /** The Worker logs the end of each tick, sends included. */
    const ticksDone = () => worker.output().split("定时任务完成").length - 1;
    const scheduled = () => fetch(`${base}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`);

    beforeAll(async () => {
      db = await createFreshPostgres(pgUrl as string);
      await importExampleRoster(db.db, new Date());
      fake = await startFakeFeishuOpenApi();
      p = feishuDriver(fake, () => base);
      const [row] = await db.db
        .select({ chatId: schema.branchChats.chatId })
        .from(schema.branchChats)
        .innerJoin(schema.branches, eq(schema.branches.id, schema.branchChats.branchId))
        .where(and(eq(schema.branches.code, "bgs"), eq(schema.branchChats.platform, "feishu")));
      chat = row!.chatId;
      const { meeting } = await createTestMeeting(db.db, {
        kind: "general_assembly",
        title: "支部党员大会",
        startsAt: new Date(Date.now() + 10 * 60_000),
      });
      meetingId = meeting.id;

      const [port, inspector] = [await freePort(), await freePort()];
      worker = spawnNodeGroup(["scripts/dev-worker.mjs", "--inspector-port", String(inspector)], {
        ...p.env(),
        DATABASE_URL: db.url as string,
        PORT: String(port),
        REMINDER_DAY_BEFORE_AT: "off",
        REMINDER_LEAD_MINUTES: "60",
        // Only the meeting's messages: the organ's monthly digests and liaison cards stay out of the way.
        STATUS_DIGEST: "false",
      });
      await worker.waitFor(/Ready on http:\/\/127\.0\.0\.1:\d+/, 90_000);
      base = `http://127.0.0.1:${port}`;
    }, 120_000);

    afterAll(async () => {
      if (worker) await stopGroup(worker);
      await fake?.close();
      await db?.close();
    });

    it("answers Feishu's encrypted, signed URL check with the challenge", async () => {
      const { body, headers } = buildFeishuRequest(
        { ...loadFeishuFixture("url-verification"), token: VERIFICATION_TOKEN },
        { encryptKey: ENCRYPT_KEY },
      );
      const res = await fetch(`${base}/feishu/events`, { method: "POST", headers, body });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ challenge: "ajls384kdjx98XX" });
      const forged = buildFeishuRequest(
        { ...loadFeishuFixture("url-verification"), token: VERIFICATION_TOKEN },
        { encryptKey: ENCRYPT_KEY, signature: "0".repeat(64) },
      );
      expect(
        (await fetch(`${base}/feishu/events`, { method: "POST", ...forged })).status,
        "a forged signature is refused",
      ).toBe(401);
    });

    it("a Cron tick posts the sign-in card and the due reminder; a second tick sends neither again", async () => {
      expect((await scheduled()).status).toBe(200);
      await until("the first tick", () => ticksDone() >= 1 || undefined);
      const sent = await until("the reminder and the sign-in card", () => {
        const texts = textsTo(fake, chat);
        return texts.some((t) => t.includes("【会议提醒】")) && texts.some((t) => t.includes("签到："))
          ? texts
          : undefined;
      });
      expect(sent.filter((t) => t.includes("【会议提醒】支部党员大会将于"))).toHaveLength(1);

      expect((await scheduled()).status).toBe(200);
      // The second tick has run once the outbox has nothing claimed or due left for this meeting.
      await until("the second tick", () => ticksDone() >= 2 || undefined);
      const texts = textsTo(fake, chat);
      expect(texts.filter((t) => t.includes("【会议提醒】"))).toHaveLength(1);
      expect(texts.filter((t) => t.includes("签到："))).toHaveLength(1);
      const reminders = await db.db
        .select()
        .from(schema.outbox)
        .where(eq(schema.outbox.kind, "meeting.reminder"));
      expect(reminders.map((r) => r.state)).toEqual(["sent"]);
    });

    it("a signed sign-in click is stored and answered, and the live card is patched after the answer", async () => {
      const card = fake.messagesTo(chat).find((m) => m.content.includes("签到："));
      expect(card).toBeDefined();
      const member = await openIdOf("1005");
      const answer = await p.click(member, card!.messageId, {
        action: "meeting.sign_in",
        meeting: meetingId,
      });
      expect(answer.status).toBe(200);
      expect(answer.toast).toContain("签到成功");
      const rows = await db.db
        .select()
        .from(schema.attendance)
        .where(eq(schema.attendance.meetingId, meetingId));
      expect(rows.map((r) => r.status)).toEqual(["present"]);
      const patch = await until("the live count on the card", () =>
        fake.patches.find(
          (x) => x.messageId === card!.messageId && x.content.includes("已签到 **1**/应到 10"),
        ),
      );
      expect(patch).toBeDefined();
    });

    it("a message command is answered at once and handled after the answer (waitUntil)", async () => {
      // The reply's send is held for 3 s by the fake: an answer before then was not waiting for it.
      fake.failNext(1, { type: "delay", ms: 3000 }, { receiveId: chat });
      const before = fake.messagesTo(chat).length;
      const res = await p.say(await openIdOf("1005"), chat, "帮助");
      expect(res.status).toBe(200);
      expect(fake.messagesTo(chat)).toHaveLength(before);
      const stored = await db.db.select().from(schema.inboundEvents);
      expect(stored.length).toBeGreaterThan(0);
      const reply = await until("the help reply", () => fake.messagesTo(chat).at(before), 15_000);
      expect(JSON.stringify(reply.parsed)).toContain("帮助");
    });
  },
);
