/**
 * `npx zhibu outbox stats`: the DingTalk calls the bot really made (counted as they go out, token and
 * contact calls exempt), this month per platform, and a warning once 80% of the quota is used.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiUsageRecorder } from "../../src/app/api-usage.ts";
import { runOutbox } from "../../src/cli/outbox.ts";
import { platformQuotas } from "../../src/config.ts";
import { addApiCalls } from "../../src/db/queries/api-usage.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { databaseTargets } from "../support/databases.ts";

describe.each(databaseTargets)("outbox stats on $name", (target) => {
  let h: BotHarness;
  let recorder: ReturnType<typeof createApiUsageRecorder>;
  const out: string[] = [];
  const err: string[] = [];
  const io = (now: Date) => ({
    db: h.db.db,
    out: (l: string) => out.push(l),
    err: (l: string) => err.push(l),
    now,
    timeZone: "Asia/Shanghai",
  });

  beforeAll(async () => {
    const sink = { record: (...args: Parameters<typeof recorder.record>) => recorder.record(...args) };
    h = await startBotHarness(target, {}, { platforms: ["dingtalk"], apiUsage: sink });
    recorder = createApiUsageRecorder({ db: h.db.db, logger: silentLogger });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("counts the calls that use the quota and shows them against DingTalk's 5,000", async () => {
    h.clock.now = new Date("2026-12-01T02:00:00Z");
    const d = h.on("dingtalk");
    const staff = await h.idOf("dingtalk", "1001");
    const chat = await h.chatOf("bgs", "dingtalk");
    await d.say(staff, chat, "安排 支部委员会 12月10日 15:00");
    await d.say(staff, chat, "会议记录");
    await recorder.flush();
    const counted = h.dingtalk.calls.filter(
      (c) => !["/v1.0/oauth2/accessToken", "/gettoken", "/topapi/v2/user/getbymobile"].includes(c.path),
    );
    expect(counted.length).toBeGreaterThan(0);

    const quotas = platformQuotas(h.config);
    expect(quotas).toEqual({ dingtalk: 5000 });
    const code = await runOutbox(["stats"], io(new Date()), { quotas });
    expect(code).toBe(0);
    expect(out.join("\n")).toContain(`钉钉：${counted.length} / 5000 次`);
    expect(err).toEqual([]);
  });

  it("warns at 80% and when the quota is used up; another month starts from nothing", async () => {
    const now = new Date();
    const month = new Intl.DateTimeFormat("en-CA", {
      timeZone: "Asia/Shanghai",
      year: "numeric",
      month: "2-digit",
    })
      .format(now)
      .slice(0, 7);
    out.length = 0;
    await addApiCalls(h.db.db, "dingtalk", month, 4000, now);
    expect(await runOutbox(["stats"], io(now), { quotas: { dingtalk: 5000 } })).toBe(1);
    expect(err.join("\n")).toMatch(/警告：钉钉本月接口额度已用 8\d%/);
    err.length = 0;
    await addApiCalls(h.db.db, "dingtalk", month, 1000, now);
    await runOutbox(["stats"], io(now), { quotas: { dingtalk: 5000 } });
    expect(err.join("\n")).toContain("已用完");
    out.length = 0;
    err.length = 0;
    const later = new Date(now.getTime() + 40 * 86_400_000);
    expect(await runOutbox(["stats"], io(later), { quotas: { dingtalk: 5000 } })).toBe(0);
    expect(out.join("\n")).toContain("钉钉：0 / 5000 次（0%）");
  });
});
