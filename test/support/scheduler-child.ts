/**
 * A scheduler in its own process, for the SIGKILL test: it ticks against DATABASE_URL and sends through
 * the real Feishu client to FEISHU_DOMAIN (the fake server), printing a line per claim so the test can
 * kill it mid-batch.
 */
import { createScheduler } from "../../src/app/scheduler.ts";
import { loadWorkCalendar } from "../../src/app/work-calendar.ts";
import { loadConfig } from "../../src/config.ts";
import { createPostgresDatabase } from "../../src/db/client-postgres.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import type { FeishuConfig } from "../../src/platforms/feishu/config.ts";
import { feishuOnly } from "./platforms.ts";

const config = loadConfig(process.env);
const feishu = config.platforms.feishu as FeishuConfig | undefined;
if (!config.databaseUrl || !feishu) throw new Error("scheduler-child needs DATABASE_URL and FEISHU_*");
const database = createPostgresDatabase(config.databaseUrl, { max: 4 });
const scheduler = createScheduler({
  db: database.db,
  platforms: feishuOnly(feishu),
  planners: [],
  timeZone: config.timezone,
  settings: config.scheduler,
  loadCalendar: loadWorkCalendar,
  logger: silentLogger,
  afterClaim: (rows) => {
    console.log(`claimed ${rows.length}`);
  },
});
console.log("scheduler-child ready");
for (;;) {
  const report = await scheduler.tick({ budgetMs: 60_000 });
  console.log(`tick sent ${report.sent}`);
}
