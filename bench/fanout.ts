/**
 * 1,000 reminders to 1,000 chats through the scheduler, the real Feishu client and the fake Feishu
 * server, at the configured rate (OUTBOX_APP_RATE, default 40/s). The rate limit makes the minimum
 * time (N − 1) / rate; the target is to finish within 10% of it.
 * Uses a fresh database on TEST_DATABASE_URL when set (as CI does), otherwise in-memory PGlite.
 */
import { createScheduler } from "../src/app/scheduler.ts";
import { loadWorkCalendar } from "../src/app/work-calendar.ts";
import { loadConfig } from "../src/config.ts";
import { countByState } from "../src/db/queries/outbox.ts";
import { silentLogger } from "../src/lib/logger.ts";
import { FEISHU_LIMITS } from "../src/platforms/feishu/adapter.ts";
import { startFakeFeishuOpenApi } from "../test/fakes/feishu-openapi.ts";
import { createFreshPglite, createFreshPostgres } from "../test/support/databases.ts";
import { enqueueFanout } from "../test/support/outbox.ts";
import { feishuOnly } from "../test/support/platforms.ts";

export interface BenchResult {
  name: string;
  ok: boolean;
  lines: string[];
}

export async function benchFanout(count = 1000, chats = 1000): Promise<BenchResult> {
  const settings = loadConfig(process.env).scheduler;
  // The Feishu adapter's 50/s, less the outbox's margin, unless OUTBOX_APP_RATE says otherwise.
  const rate = settings.appRatePerSecond ?? FEISHU_LIMITS.messagesPerSecond * 0.8;
  const url = process.env.TEST_DATABASE_URL;
  const db = url ? await createFreshPostgres(url) : await createFreshPglite();
  const fake = await startFakeFeishuOpenApi();
  try {
    await enqueueFanout(db.db, count, chats, new Date());
    const scheduler = createScheduler({
      db: db.db,
      platforms: feishuOnly(fake.config()),
      planners: [],
      timeZone: "Asia/Shanghai",
      settings,
      loadCalendar: loadWorkCalendar,
      logger: silentLogger,
    });
    const started = performance.now();
    while ((await countByState(db.db)).pending > 0) await scheduler.tick({ budgetMs: 120_000 });
    const elapsed = (performance.now() - started) / 1000;
    const times = fake.messages.map((m) => m.at);
    const span = (Math.max(...times) - Math.min(...times)) / 1000;
    const minimum = (count - 1) / rate;
    const over = elapsed / minimum - 1;
    const ok = fake.messages.length === count && over <= 0.1;
    return {
      name: "fanout",
      ok,
      lines: [
        `${count} reminders → ${chats} chats on ${url ? "Postgres" : "PGlite"}, rate limit ${rate}/s per app`,
        `  delivered:            ${fake.messages.length} (each uuid once: ${new Set(fake.messages.map((m) => m.uuid)).size === count})`,
        `  tick start → done:    ${elapsed.toFixed(2)} s`,
        `  first → last message: ${span.toFixed(2)} s (${((count - 1) / span).toFixed(1)} msg/s)`,
        `  rate-limit minimum:   ${minimum.toFixed(2)} s`,
        `  over the minimum:     ${(over * 100).toFixed(1)}% (target ≤ 10%) ${ok ? "OK" : "MISSED"}`,
      ],
    };
  } finally {
    await fake.close();
    await db.close();
  }
}
