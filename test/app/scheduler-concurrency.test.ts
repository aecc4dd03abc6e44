import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createScheduler, type Scheduler } from "../../src/app/scheduler.ts";
import { loadWorkCalendar } from "../../src/app/work-calendar.ts";
import type { SchedulerConfig } from "../../src/config.ts";
import { createPostgresDatabase } from "../../src/db/client-postgres.ts";
import { countByState, listByState } from "../../src/db/queries/outbox.ts";
import type { DatabaseHandle } from "../../src/db/types.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { feishuUuid } from "../../src/platforms/feishu/client.ts";
import { type FakeFeishuOpenApi, startFakeFeishuOpenApi } from "../fakes/feishu-openapi.ts";
import { createFreshPostgres, type TestDatabase } from "../support/databases.ts";
import { enqueueFanout, maxInWindow, minGapPerRecipient } from "../support/outbox.ts";
import { feishuOnly } from "../support/platforms.ts";
import { spawnTs } from "../support/processes.ts";

/**
 * Several schedulers against one real Postgres, each on its own connection pool, sending through the
 * real Feishu client to the fake Feishu server. PGlite is one in-process database and cannot stand in.
 */
const pgUrl = process.env.TEST_DATABASE_URL;
if (!pgUrl) {
  console.warn(
    "scheduler-concurrency: skipped — set TEST_DATABASE_URL (e.g. postgres://root@127.0.0.1:5432/test) to run several schedulers against one real Postgres; CI sets it",
  );
}

const settings: SchedulerConfig = {
  appRatePerSecond: 40,
  targetIntervalMs: 1100,
  maxAttempts: 8,
  leaseMs: 120_000,
  meetingLeadMinutes: [1440, 60, 0],
  meetingDayBeforeAt: undefined,
  workdayTime: "09:00",
};

describe.skipIf(!pgUrl)(
  "concurrent schedulers on one real Postgres (needs TEST_DATABASE_URL; PGlite is a single in-process database)",
  () => {
    const cleanup: (() => Promise<unknown>)[] = [];
    afterEach(async () => {
      for (const c of cleanup.splice(0).reverse()) await c();
    });

    async function setup() {
      const db = await createFreshPostgres(pgUrl as string);
      cleanup.push(() => db.close());
      const fake = await startFakeFeishuOpenApi();
      cleanup.push(() => fake.close());
      return { db, fake };
    }

    function instance(db: TestDatabase, fake: FakeFeishuOpenApi, leaseMs = settings.leaseMs) {
      const own: DatabaseHandle = createPostgresDatabase(db.url as string, { max: 4 });
      cleanup.push(() => own.close());
      return createScheduler({
        db: own.db,
        platforms: feishuOnly(fake.config()),
        planners: [],
        timeZone: "Asia/Shanghai",
        settings: { ...settings, leaseMs },
        loadCalendar: loadWorkCalendar,
        logger: silentLogger,
      });
    }

    /** Ticks until nothing is pending, like node-cron would minute after minute (without the minute). */
    async function drain(db: TestDatabase, scheduler: Scheduler, deadline: number) {
      while (Date.now() < deadline) {
        await scheduler.tick({ budgetMs: 30_000 });
        if ((await countByState(db.db)).pending === 0) return;
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    function checkDelivery(fake: FakeFeishuOpenApi, keys: string[]) {
      const posted = fake.messages;
      const uuids = posted.map((m) => m.uuid);
      // Every row once: no missing uuid, none posted twice.
      expect(posted).toHaveLength(keys.length);
      expect(new Set(uuids).size).toBe(keys.length);
      expect(new Set(uuids)).toEqual(new Set(keys.map(feishuUuid)));
      // No chat gets more than one message in any second.
      expect(minGapPerRecipient(posted.map((m) => ({ to: m.receiveId, at: m.at })))).toBeGreaterThanOrEqual(
        1000,
      );
      const perChatMax = Math.max(
        ...[...new Set(posted.map((m) => m.receiveId))].map((to) =>
          maxInWindow(
            posted.filter((m) => m.receiveId === to).map((m) => m.at),
            1000,
          ),
        ),
      );
      expect(perChatMax).toBe(1);
      const times = posted.map((m) => m.at);
      const seconds = (Math.max(...times) - Math.min(...times)) / 1000;
      const rate = (posted.length - 1) / seconds;
      const busiestSecond = maxInWindow(times, 1000);
      // Overall under the configured cap; no single second over Feishu's own 50/s.
      expect(rate).toBeLessThanOrEqual(settings.appRatePerSecond ?? 40);
      expect(busiestSecond).toBeLessThanOrEqual(50);
      return { seconds, rate, busiestSecond };
    }

    for (const instances of [2, 3]) {
      it(`${instances} schedulers send 1,000 due rows to 200 chats exactly once, within both limits`, async () => {
        const { db, fake } = await setup();
        const planned = await enqueueFanout(db.db, 1000, 200, new Date());
        const schedulers = Array.from({ length: instances }, () => instance(db, fake));
        const started = Date.now();
        await Promise.all(schedulers.map((s) => drain(db, s, started + 90_000)));
        expect(await countByState(db.db)).toMatchObject({ sent: 1000, pending: 0, failed: 0, skipped: 0 });
        const stats = checkDelivery(
          fake,
          planned.map((m) => m.idempotencyKey),
        );
        // Minimum at 40/s is 999/40 ≈ 25 s.
        console.info(
          `${instances} schedulers: 1000 messages in ${stats.seconds.toFixed(2)} s (${stats.rate.toFixed(1)}/s, busiest second ${stats.busiestSecond})`,
        );
        const sentRows = await listByState(db.db, "sent", 2000);
        expect(new Set(sentRows.map((r) => r.messageId)).size).toBe(1000);
      }, 120_000);
    }

    it("a scheduler process killed with SIGKILL mid-batch loses nothing and double-posts nothing", async () => {
      const { db, fake } = await setup();
      const planned = await enqueueFanout(db.db, 300, 100, new Date());
      const child = spawnTs("test/support/scheduler-child.ts", [], {
        DATABASE_URL: db.url as string,
        FEISHU_APP_ID: fake.appId,
        FEISHU_APP_SECRET: fake.appSecret,
        FEISHU_ENCRYPT_KEY: "test-encrypt-key",
        FEISHU_DOMAIN: fake.url,
        OUTBOX_LEASE_SECONDS: "10",
        LOG_LEVEL: "silent",
      });
      cleanup.push(async () => {
        if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill("SIGKILL");
        await child.exited;
      });
      await child.waitFor(/claimed \d+/, 30_000);
      await fake.waitForMessages(100, 30_000);
      child.child.kill("SIGKILL");
      expect((await child.exited).signal).toBe("SIGKILL");
      const atKill = await countByState(db.db);
      expect(atKill.pending).toBeGreaterThan(0);
      const leased = await db.db.execute(
        sql`select count(*)::int as n from outbox where state = 'pending' and locked_until > now()`,
      );
      const inFlight = Number((leased as unknown as { n: number }[])[0]?.n ?? 0);

      // Restart: a new scheduler picks up the unclaimed rows at once and the dead one's after its lease.
      const restarted = instance(db, fake);
      await drain(db, restarted, Date.now() + 90_000);
      expect(await countByState(db.db)).toMatchObject({ sent: 300, pending: 0, failed: 0 });
      checkDelivery(
        fake,
        planned.map((m) => m.idempotencyKey),
      );
      const posts = fake.calls.filter((c) => c.method === "POST" && c.path === "/open-apis/im/v1/messages");
      console.info(
        `SIGKILL: ${atKill.sent} marked sent and ${inFlight} leased when killed; ${posts.length - 300} re-sends absorbed by Feishu's uuid`,
      );
    }, 120_000);
  },
);
