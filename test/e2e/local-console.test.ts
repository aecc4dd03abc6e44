/**
 * The local console in a real browser, against the real server (startNodeServer: the same wiring as
 * `npm start`) on a fresh embedded database — and on real Postgres when TEST_DATABASE_URL is set. The
 * newcomer's tour: load the example roster, add a 第一议题 item, schedule a meeting, travel to just before
 * it, sign five members in on the live card, close it, record the 第一议题 from the secretary's private
 * chat, look at the branch's 第一议题, 会议记录 and 支部情况 — checking the screen, and then the database.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import * as schema from "../../src/db/schema.ts";
import { localDate } from "../../src/domain/time.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { type RunningServer, startNodeServer } from "../../src/runtime/node-server.ts";
import { browserMissing, launchChromium, testOutputDir } from "../support/browser.ts";
import { createFreshPostgres, type TestDatabase } from "../support/databases.ts";

const TZ = "Asia/Shanghai";
const SECRETARY = "刘志强";
const ADMIN = "丁明辉";
const SIGNING_IN = ["刘志强", "徐红霞", "郭晨曦", "韩宏伟", "曹芳"];
const ITEM = "关于推进党的自我革命的重要论述";

const targets = [
  { name: "pglite" as const },
  ...(process.env.TEST_DATABASE_URL ? [{ name: "postgres" as const }] : []),
];

// Without the browser the suite is skipped, and says why rather than passing in silence.
if (browserMissing) console.warn(browserMissing);

describe.skipIf(browserMissing !== undefined).each(targets)("local console in Chromium ($name)", (target) => {
  let server: RunningServer;
  let pg: TestDatabase | undefined;
  let dataDir: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let base: string;
  const dialogs: string[] = [];
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "zhibu-console-"));
    if (target.name === "postgres") pg = await createFreshPostgres(process.env.TEST_DATABASE_URL as string);
    const config = loadConfig({
      DATA_DIR: dataDir,
      PORT: "0",
      ...(pg?.url ? { DATABASE_URL: pg.url } : {}),
    });
    expect(config.host).toBe("127.0.0.1");
    server = await startNodeServer(config, silentLogger);
    base = `http://127.0.0.1:${server.port}`;
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on("pageerror", (e) => scriptErrors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") scriptErrors.push(m.text());
    });
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await pg?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Picks the roster member whose entry starts with `name` as "我是". */
  const actAs = async (name: string) => {
    const id = await page
      .locator("#who option", { hasText: new RegExp(`^${name}`) })
      .first()
      .getAttribute("value");
    expect(id, name).toBeTruthy();
    await page.selectOption("#who", id as string);
    await shown();
  };
  /** Waits until the log shows the conversation picked. */
  const shown = async () => {
    const conv = await page.inputValue("#chat");
    await page.locator(`#log[data-conv="${conv}"]`).waitFor({ state: "attached" });
  };
  const openChat = async (label: string) => {
    const value = await page.locator("#chat option", { hasText: label }).first().getAttribute("value");
    expect(value, label).toBeTruthy();
    await page.selectOption("#chat", value as string);
    await shown();
  };
  const type = async (text: string) => {
    await page.fill("#text", text);
    await page.click("#send");
    await expect.poll(() => page.inputValue("#text")).toBe("");
  };
  const lastCard = (title: string) => page.locator(".card", { hasText: title }).last();
  const toast = async (text: string) => {
    await page.locator("#toast", { hasText: text }).waitFor({ state: "visible", timeout: 10_000 });
  };

  it("first visit on an empty database offers the example roster, and loads it with one click", async () => {
    await page.goto(`${base}/`);
    await expect(page.title()).resolves.toContain("本地体验");
    await page.locator("#setup").waitFor({ state: "visible" });
    await page.screenshot({ path: join(testOutputDir("local-console"), `first-visit-${target.name}.png`) });
    await page.click("#load-example");
    await toast("已载入示例名册：8 个支部、60 名党员。");
    await page.locator("#main").waitFor({ state: "visible" });
    const groups = await page.$$eval("#who optgroup", (gs) => gs.map((g) => g.getAttribute("label")));
    expect(groups).toContain("办公室党支部");
    expect(await page.locator("#who option", { hasText: "刘志强 · 书记" }).count()).toBe(1);
  });

  it("the admin adds a 第一议题 item in the private chat; the bot answers there", async () => {
    await actAs(ADMIN);
    await openChat("私聊");
    await type(`第一议题 添加 《${ITEM}》 2026-11-16 《求是》 https://example.org/b`);
    await page.locator(".msg.bot", { hasText: "正在通知" }).waitFor({ timeout: 10_000 });
  });

  const meetingDay = localDate(new Date(Date.now() + 86_400_000), TZ);
  it("in the branch chat the bot ignores a line without @ and schedules the meeting with it", async () => {
    await actAs(SECRETARY);
    await openChat("办公室党支部");
    // The admin's notice reaches every branch chat, through the outbox.
    await lastCard("第一议题：新的学习材料").waitFor({ timeout: 10_000 });
    const answers = await page.locator(".msg.bot").count();
    await type("大家好");
    await page.locator(".msg.mine", { hasText: "大家好" }).waitFor();
    // Nothing answers a line without @ (the line itself was processed before the page was told).
    expect(await page.locator(".msg.bot").count()).toBe(answers);
    // The chip writes "@支部助手 安排 支部党员大会 <tomorrow> 15:00 三楼会议室".
    await page.click(".chips button:has-text('安排会议')");
    expect(await page.inputValue("#text")).toMatch(
      /^@支部助手 安排 支部党员大会 \d+月\d+日 15:00 三楼会议室$/,
    );
    await page.click("#send");
    const card = lastCard("会议已安排：支部党员大会");
    await card.waitFor({ timeout: 10_000 });
    expect(await card.innerText()).toContain("三楼会议室");
    expect(await card.innerText()).toContain(ITEM);
  });

  it("time travel to 14:50 tomorrow brings the live sign-in card", async () => {
    await page.fill("#travel-to", `${meetingDay}T14:50`);
    await page.click("#travel-go");
    await toast("已快进");
    await expect(page.locator("#clock").innerText()).resolves.toContain("已快进");
    const card = lastCard("签到：支部党员大会");
    await card.waitFor({ timeout: 10_000 });
    expect(await card.innerText()).toMatch(/已签到 0\/应到 10/);
  });

  it("five members sign in by clicking; the card on screen counts them live", async () => {
    for (const name of SIGNING_IN) {
      await actAs(name);
      await lastCard("签到：支部党员大会")
        .locator("button", { hasText: /^签到$/ })
        .click();
      await toast("签到成功。");
    }
    const card = lastCard("签到：支部党员大会");
    await expect
      .poll(() => page.locator(".card", { hasText: "已签到 5/应到 10" }).count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    const file = join(testOutputDir("local-console"), `sign-in-after-5-${target.name}.png`);
    await card.screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(5_000);
    // What the screenshot shows is the live count.
    expect(await card.innerText()).toMatch(/已签到 5\/应到 10，请假 0，未签到 5/);
  });

  it("the secretary closes sign-in after confirming; the card freezes", async () => {
    await actAs(SECRETARY);
    await lastCard("签到：支部党员大会").locator("button", { hasText: "结束签到" }).click();
    await page.locator(".card", { hasText: "签到已结束：支部党员大会" }).waitFor({ timeout: 10_000 });
    expect(dialogs.at(-1)).toContain("确定结束吗");
    expect(await page.locator(".card", { hasText: "签到已结束" }).last().innerText()).toContain("到会率 50%");
  });

  it("the secretary records the 第一议题 on the card in the private chat", async () => {
    await openChat("私聊");
    const card = lastCard("登记第一议题学习");
    await card.waitFor({ timeout: 10_000 });
    await card.locator("label.check", { hasText: ITEM }).locator("input").check();
    await card.locator("input[name=led_by]").fill(SECRETARY);
    await card.locator("select[name=form]").selectOption({ index: 1 });
    await card.locator("textarea[name=notes]").fill("结合本处工作谈体会");
    await card.locator("button[type=submit]").click();
    await toast("已登记 1 项第一议题学习。");
    await lastCard("已登记第一议题").waitFor({ timeout: 10_000 });
  });

  it("in the branch chat, 第一议题 has nothing pending and 会议记录 shows the meeting", async () => {
    await openChat("办公室党支部");
    const before = await page.locator(".msg.bot").count();
    await type("@支部助手 第一议题");
    await expect.poll(() => page.locator(".msg.bot").count()).toBe(before + 1);
    const status = await page.locator(".msg.bot").last().innerText();
    expect(status).toContain("第一议题");
    expect(status).not.toContain(`待学习：《${ITEM}`);
    await type("@支部助手 会议记录");
    const ledger = lastCard("会议记录：办公室党支部");
    await ledger.waitFor({ timeout: 10_000 });
    expect(await ledger.innerText()).toContain("实到 5/10");
  });

  it("支部情况 from its shortcut shows the branch's card with the meeting just held and its chart", async () => {
    await page.click('.chips button[data-words="支部情况"]');
    expect(await page.inputValue("#text")).toBe("@支部助手 支部情况");
    await page.click("#send");
    // The monthly digest (last month's 支部情况, "月度通报") may arrive in this chat at any moment after the
    // time travel; the answer is the card that is not it.
    const card = page.locator(".card", { hasText: "支部情况：办公室党支部", hasNotText: "月度通报" }).last();
    await card.waitFor({ timeout: 10_000 });
    const text = await card.innerText();
    expect(text).toContain("综合得分");
    expect(text).toMatch(/支部党员大会[^\n]*1/);
    expect(text).toContain("出勤");
    expect(await card.locator("figure.chart svg").count()).toBe(1);
    await page.screenshot({ path: join(testOutputDir("local-console"), `tour-end-${target.name}.png`) });
  });

  it("the database holds what the clicks did: five present, the meeting closed, the study recorded", async () => {
    const db = server.database.db;
    const [meeting] = await db
      .select()
      .from(schema.meetings)
      .where(eq(schema.meetings.title, "支部党员大会"));
    expect(meeting?.state).toBe("closed");
    const present = await db
      .select({ name: schema.members.name })
      .from(schema.attendance)
      .innerJoin(schema.members, eq(schema.members.id, schema.attendance.memberId))
      .where(
        and(eq(schema.attendance.meetingId, meeting?.id as string), eq(schema.attendance.status, "present")),
      );
    expect(present.map((p) => p.name).sort()).toEqual([...SIGNING_IN].sort());
    const records = await db
      .select({ title: schema.studyItems.title, form: schema.firstAgendaRecords.form })
      .from(schema.firstAgendaRecords)
      .innerJoin(schema.studyItems, eq(schema.studyItems.id, schema.firstAgendaRecords.studyItemId))
      .where(eq(schema.firstAgendaRecords.meetingId, meeting?.id as string));
    expect(records.map((r) => r.title)).toEqual([ITEM]);
    const identities = await db
      .select()
      .from(schema.memberIdentities)
      .where(eq(schema.memberIdentities.platform, "local"));
    expect(identities).toHaveLength(60);
  });

  it("the page's script raised no error on the way", () => {
    expect(scriptErrors).toEqual([]);
  });
});
