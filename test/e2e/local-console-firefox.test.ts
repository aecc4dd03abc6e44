/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The local console works in Firefox too: Debian's Firefox ESR, phone width, against the real server
 * (startNodeServer, as `npm start`) on a fresh embedded database. One short tour: load the example
 * roster, schedule a meeting from the shortcut, time-travel to its sign-in card, three members sign
 * in and the card counts them live, then 支部情况 with its chart's frame — and no script error on the way.
 * The full tour, and Postgres, run in Chromium (local-console.test.ts).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import * as schema from "../../src/db/schema.ts";
import { localDate } from "../../src/domain/time.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { type RunningServer, startNodeServer } from "../../src/runtime/node-server.ts";
import { firefoxMissing, launchFirefox, testOutputDir } from "../support/browser.ts";

const TZ = "Asia/Shanghai";
const SECRETARY = "刘志强";
const SIGNING_IN = ["刘志强", "徐红霞", "郭晨曦"];
const WAIT = { timeout: 15_000 };

if (firefoxMissing) console.warn(firefoxMissing);

describe.skipIf(firefoxMissing !== undefined)("local console in Firefox", () => {
  let server: RunningServer;
  let dataDir: string;
  let firefox: Awaited<ReturnType<typeof launchFirefox>>;
  let page: Page;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "zhibu-console-ff-"));
    server = await startNodeServer(loadConfig({ DATA_DIR: dataDir, PORT: "0" }), silentLogger);
    firefox = await launchFirefox();
    page = await firefox.browser.newPage();
    page.on("pageerror", (e) => scriptErrors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") scriptErrors.push(m.text());
    });
    page.on("dialog", (d) => void d.accept());
  }, 120_000);

  afterAll(async () => {
    await firefox?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The value of the first option of `select` whose text matches. */
  const optionValue = (select: string, text: RegExp) =>
    page.$$eval(
      `${select} option`,
      (options, source) => options.find((o) => new RegExp(source).test(o.textContent ?? ""))?.value,
      text.source,
    );
  const pick = async (select: string, text: RegExp) => {
    const value = await optionValue(select, text);
    expect(value, String(text)).toBeTruthy();
    await page.select(select, value as string);
    await page.waitForFunction(
      (conv) => document.querySelector("#log")?.getAttribute("data-conv") === conv,
      WAIT,
      await page.$eval("#chat", (e) => (e as HTMLSelectElement).value),
    );
  };
  /** Text of the last card whose text contains `title`, once there is one. */
  const lastCardText = async (title: string, contains = title) => {
    await page.waitForFunction(
      (t, c) =>
        [...document.querySelectorAll(".card")].some(
          (e) => (e.textContent ?? "").includes(t) && (e.textContent ?? "").includes(c),
        ),
      WAIT,
      title,
      contains,
    );
    return page.$$eval(
      ".card",
      (cards, t) => cards.filter((e) => (e.textContent ?? "").includes(t)).at(-1)?.textContent ?? "",
      title,
    );
  };
  const toast = (text: string) =>
    page.waitForFunction(
      (t) => {
        const e = document.querySelector("#toast") as HTMLElement | null;
        return !!e && !e.hidden && (e.textContent ?? "").includes(t);
      },
      WAIT,
      text,
    );

  it("loads the example roster with one click", async () => {
    await page.goto(`http://127.0.0.1:${server.port}/`);
    expect(await page.title()).toContain("本地体验");
    await page.waitForSelector("#setup", { visible: true, ...WAIT });
    await page.click("#load-example");
    await toast("已载入示例名册");
    await page.waitForSelector("#main", { visible: true, ...WAIT });
  }, 60_000);

  it("schedules a meeting from the shortcut and time-travels to its sign-in card", async () => {
    await pick("#who", new RegExp(`^${SECRETARY}`));
    await pick("#chat", /办公室党支部/);
    await page.click('.chips button[data-words^="安排"]');
    expect(await page.$eval("#text", (e) => (e as HTMLInputElement).value)).toMatch(
      /^@支部助手 安排 支部党员大会/,
    );
    await page.click("#send");
    expect(await lastCardText("会议已安排：支部党员大会")).toContain("三楼会议室");
    const meetingDay = localDate(new Date(Date.now() + 86_400_000), TZ);
    await page.$eval(
      "#travel-to",
      (e, v) => {
        (e as HTMLInputElement).value = v;
      },
      `${meetingDay}T14:50`,
    );
    await page.click("#travel-go");
    await toast("已快进");
    expect(await lastCardText("签到：支部党员大会", "应到 10")).toMatch(/已签到 0\/应到 10/);
  }, 60_000);

  it("three members sign in by clicking; the card counts them live", async () => {
    for (const name of SIGNING_IN) {
      await pick("#who", new RegExp(`^${name}`));
      await lastCardText("签到：支部党员大会");
      const clicked = await page.$$eval(".card", (cards) => {
        const card = cards.filter((e) => (e.textContent ?? "").includes("签到：支部党员大会")).at(-1);
        const button = [...(card?.querySelectorAll("button") ?? [])].find(
          (b) => b.textContent?.trim() === "签到",
        );
        button?.click();
        return !!button;
      });
      expect(clicked, name).toBe(true);
      await toast("签到成功。");
    }
    expect(await lastCardText("签到：支部党员大会", "已签到 3/应到 10")).toMatch(
      /已签到 3\/应到 10，请假 0，未签到 7/,
    );
  }, 60_000);

  it("支部情况 shows the branch's card with its chart", async () => {
    await page.click('.chips button[data-words="支部情况"]');
    await page.click("#send");
    expect(await lastCardText("支部情况：办公室党支部")).toContain("综合得分");
    // The trend chart's frame; with no meeting closed yet it says so rather than draw an empty line.
    expect(await page.$$eval(".card figure.chart", (s) => s.map((f) => f.textContent).at(-1))).toContain(
      "出勤",
    );
    const file = join(testOutputDir("local-console"), "firefox-status.png");
    await page.screenshot({ path: file as `${string}.png` });
    expect(statSync(file).size).toBeGreaterThan(5_000);
  }, 60_000);

  it("the database holds the three sign-ins, and the page raised no script error", async () => {
    const db = server.database.db;
    const [meeting] = await db
      .select()
      .from(schema.meetings)
      .where(eq(schema.meetings.title, "支部党员大会"));
    const present = await db
      .select({ name: schema.members.name })
      .from(schema.attendance)
      .innerJoin(schema.members, eq(schema.members.id, schema.attendance.memberId))
      .where(
        and(eq(schema.attendance.meetingId, meeting?.id as string), eq(schema.attendance.status, "present")),
      );
    expect(present.map((p) => p.name).sort()).toEqual([...SIGNING_IN].sort());
    expect(scriptErrors).toEqual([]);
  });
});
