/**
 * Two processes of the Node server behind one port (node:cluster hands connections to its workers in
 * turn) and one Postgres. Each process would patch the live card with the counts it read; a patch
 * held up on the way (the fake Feishu answers it late) would then land after a newer one from the other
 * process, and the card would show a stale count for good. The card the members end up seeing (the
 * last patch Feishu applied) must show the stored counts.
 */
import { request } from "node:http";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.ts";
import { type FakeFeishuOpenApi, startFakeFeishuOpenApi } from "../fakes/feishu-openapi.ts";
import { createFreshPostgres, type TestDatabase } from "../support/databases.ts";
import { buildFeishuRequest, cardActionEvent } from "../support/feishu-requests.ts";
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

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A click on a connection of its own, so node:cluster hands it to the worker after the last one's. */
function clickOnNewConnection(base: string, payload: Record<string, any>): Promise<number> {
  const { body, headers } = buildFeishuRequest(payload, {
    encryptKey: ENCRYPT_KEY,
    verificationToken: VERIFICATION_TOKEN,
  });
  return new Promise((resolve, reject) => {
    const req = request(`${base}/feishu/events`, { method: "POST", headers, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Waits until no patch has arrived for `quietMs`. */
async function patchesSettled(fake: FakeFeishuOpenApi, quietMs = 2_000) {
  let seen = -1;
  let quietSince = Date.now();
  await until(
    "the patches to stop",
    () => {
      if (fake.patches.length !== seen) {
        seen = fake.patches.length;
        quietSince = Date.now();
      }
      return fake.patches.length > 0 && Date.now() - quietSince > quietMs ? true : undefined;
    },
    60_000,
  );
}

describe.skipIf(!pgUrl)(
  `live sign-in counts across two processes${pgUrl ? "" : " (skipped: TEST_DATABASE_URL 未设置，多进程只能共用 Postgres)"}`,
  () => {
    let db: TestDatabase;
    let fake: FakeFeishuOpenApi;
    let servers: Spawned;
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
      // Starts in 10 minutes: the first tick (at start) posts its sign-in card.
      const { meeting } = await createTestMeeting(db.db, {
        kind: "general_assembly",
        title: "支部党员大会",
        startsAt: new Date(Date.now() + 10 * 60_000),
      });
      meetingId = meeting.id;
      servers = spawnNodeGroup(["--import", "tsx", "test/support/cluster-primary.ts"], {
        ...p.env(),
        DATABASE_URL: db.url as string,
        PORT: "0",
        HOST: "127.0.0.1",
        CLUSTER_WORKERS: "2",
        REMINDER_DAY_BEFORE_AT: "off",
        REMINDER_LEAD_MINUTES: "0",
        STATUS_DIGEST: "false",
      });
      await servers.waitFor(
        /已启动：http:\/\/127\.0\.0\.1:\d+[\s\S]*已启动：http:\/\/127\.0\.0\.1:\d+/,
        120_000,
      );
      const ports = [...servers.output().matchAll(/已启动：http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => m[1]);
      expect(new Set(ports).size, "both processes share one port").toBe(1);
      base = `http://127.0.0.1:${ports[0]}`;
    }, 180_000);

    afterAll(async () => {
      if (servers) await stopGroup(servers);
      await fake?.close();
      await db?.close();
    });

    const counts = async () => {
      const rows = await db.db
        .select()
        .from(schema.attendance)
        .where(eq(schema.attendance.meetingId, meetingId));
      return {
        present: rows.filter((r) => r.status === "present").length,
        leave: rows.filter((r) => r.status === "leave").length,
      };
    };
    const signInCard = () =>
      until("the sign-in card", () => fake.messagesTo(chat).find((m) => m.content.includes("签到：")));

    it("a patch held up on the way never overwrites the newer count from the other process", async () => {
      const card = await signInCard();
      const value = { action: "meeting.sign_in", meeting: meetingId };
      // The first click's patch is answered 3 s late; meanwhile the second click reaches the other process.
      fake.failNext(1, { type: "delay", ms: 3000 }, { receiveId: chat });
      const first = cardActionEvent({ openId: await openIdOf("1001"), messageId: card.messageId, value });
      expect(await clickOnNewConnection(base, first)).toBe(200);
      await new Promise((r) => setTimeout(r, 800));
      const second = cardActionEvent({ openId: await openIdOf("1002"), messageId: card.messageId, value });
      expect(await clickOnNewConnection(base, second)).toBe(200);
      await patchesSettled(fake, 4_000);
      expect(await counts()).toEqual({ present: 2, leave: 0 });
      const mine = fake.patches.filter((x) => x.messageId === card.messageId);
      expect(mine.at(-1)?.content).toContain("已签到 **2**/应到 10");
    });

    it("a burst of clicks on both processes: the last patch of the card shows the stored counts", async () => {
      const card = await signInCard();
      // From now on every other patch (or message) to the chat is answered 300 ms late.
      for (let i = 0; i < 200; i++) fake.failNext(1, { type: "delay", ms: i % 2 === 0 ? 300 : 0 });

      const members = ["1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009"];
      const ids = await Promise.all(members.map(openIdOf));
      const value = { action: "meeting.sign_in", meeting: meetingId };
      const clicks: Promise<unknown>[] = [];
      for (let round = 0; round < 3; round++) {
        for (const id of ids) clicks.push(p.click(id, card.messageId, value));
        await new Promise((r) => setTimeout(r, 40));
      }
      clicks.push(
        p.click(
          await openIdOf("1010"),
          card.messageId,
          { action: "meeting.leave", meeting: meetingId },
          { reason: "出差" },
        ),
      );
      const answers = (await Promise.all(clicks)) as { status: number }[];
      expect(answers.every((a) => a.status === 200)).toBe(true);

      // Quiet for 2 s: every process has sent its last patch.
      await patchesSettled(fake);
      const { present, leave } = await counts();
      expect([present, leave]).toEqual([9, 1]);
      const mine = fake.patches.filter((x) => x.messageId === card.messageId);
      expect(mine.length).toBeGreaterThan(1);
      expect(mine.at(-1)?.content).toContain(`已签到 **${present}**/应到 10`);
      expect(mine.at(-1)?.content).toContain(`请假 ${leave}`);
    });
  },
);
