import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emptyTickReport, type Scheduler, type TickReport } from "../../src/app/scheduler.ts";
import { loadConfig } from "../../src/config.ts";
import { openDatabase } from "../../src/db/open.ts";
import { countByState } from "../../src/db/queries/outbox.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { startNodeServer } from "../../src/runtime/node-server.ts";
import { startTicker } from "../../src/runtime/ticker.ts";
import { startFakeFeishuOpenApi } from "../fakes/feishu-openapi.ts";
import { enqueueFanout } from "../support/outbox.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const emptyReport: TickReport = emptyTickReport();

describe("ticker", () => {
  it("never overlaps ticks in one process, and stop() aborts and waits for the running tick", async () => {
    let active = 0;
    let maxActive = 0;
    let ticks = 0;
    let aborted = false;
    const scheduler: Scheduler = {
      flush: async () => emptyReport,
      async tick(options) {
        ticks++;
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 300);
          options?.signal?.addEventListener("abort", () => {
            aborted = true;
            clearTimeout(t);
            setTimeout(resolve, 50);
          });
        });
        active--;
        return emptyReport;
      },
    };
    // Every second, with each tick taking 300 ms and runNow() called on top.
    const ticker = startTicker({ scheduler, logger: silentLogger, expression: "* * * * * *" });
    await Promise.all([ticker.runNow(), ticker.runNow(), ticker.runNow()]);
    expect(ticks).toBe(1);
    await new Promise((r) => setTimeout(r, 2200));
    expect(ticks).toBeGreaterThanOrEqual(2);
    void ticker.runNow();
    await ticker.stop();
    expect(active).toBe(0);
    expect(maxActive).toBe(1);
    expect(aborted).toBe(true);
    const after = ticks;
    await new Promise((r) => setTimeout(r, 1200));
    expect(ticks).toBe(after);
  });

  it("npm start's server ticks: a reminder queued while it was down is sent right after start", {
    timeout: 120_000,
  }, async () => {
    const fake = await startFakeFeishuOpenApi();
    const dir = mkdtempSync(join(tmpdir(), "zhibu-ticker-"));
    dirs.push(dir);
    const env = {
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dir,
      FEISHU_APP_ID: fake.appId,
      FEISHU_APP_SECRET: fake.appSecret,
      FEISHU_ENCRYPT_KEY: "test-encrypt-key",
      FEISHU_DOMAIN: fake.url,
    };
    const offline = await openDatabase(loadConfig(env), "test");
    await enqueueFanout(offline.db, 3, 3, new Date(Date.now() - 60_000));
    await offline.close();
    const server = await startNodeServer(loadConfig(env), silentLogger);
    try {
      const messages = await fake.waitForMessages(3, 10_000);
      expect(messages.map((m) => m.receiveId).sort()).toEqual([
        "oc_chat_0000",
        "oc_chat_0001",
        "oc_chat_0002",
      ]);
      await new Promise((r) => setTimeout(r, 200));
      expect(await countByState(server.database.db)).toMatchObject({ sent: 3, pending: 0 });
    } finally {
      await server.close();
      await fake.close();
    }
  });

  it("SCHEDULER_ENABLED=false leaves the outbox alone", { timeout: 120_000 }, async () => {
    const fake = await startFakeFeishuOpenApi();
    const dir = mkdtempSync(join(tmpdir(), "zhibu-ticker-"));
    dirs.push(dir);
    const env = {
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dir,
      FEISHU_APP_ID: fake.appId,
      FEISHU_APP_SECRET: fake.appSecret,
      FEISHU_ENCRYPT_KEY: "test-encrypt-key",
      FEISHU_DOMAIN: fake.url,
      SCHEDULER_ENABLED: "false",
    };
    const offline = await openDatabase(loadConfig(env), "test");
    await enqueueFanout(offline.db, 1, 1, new Date(Date.now() - 60_000));
    await offline.close();
    const server = await startNodeServer(loadConfig(env), silentLogger);
    try {
      await new Promise((r) => setTimeout(r, 1000));
      expect(fake.messages).toHaveLength(0);
      expect(await countByState(server.database.db)).toMatchObject({ pending: 1 });
    } finally {
      await server.close();
      await fake.close();
    }
  });
});
