/**
 * Real browsers for browser tests: Debian's Chromium at /usr/bin/chromium (installed by .ci/run), driven
 * by playwright-core, and Debian's Firefox ESR, driven by puppeteer-core — nothing is downloaded at run
 * time. Each launch gets a fresh profile directory.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import type { Browser as PuppeteerBrowser } from "puppeteer-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Why browser tests are skipped on this machine, or undefined when they can run. */
export const browserMissing: string | undefined = existsSync(CHROMIUM_PATH)
  ? undefined
  : `浏览器测试跳过：没有 ${CHROMIUM_PATH}（Debian: apt-get install -y chromium；.ci/run 会自动安装）`;

/** Where tests leave screenshots: test-output/<name>/ (git-ignored), or under TEST_OUTPUT_DIR. */
export function testOutputDir(name: string): string {
  const root = process.env.TEST_OUTPUT_DIR ?? new URL("../../test-output", import.meta.url).pathname;
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "zhibu-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    // Phone width: the console must be usable there.
    viewport: { width: 420, height: 860 },
    locale: "zh-CN",
    timeout: 30_000,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";

/** Why the Firefox check is skipped on this machine, or undefined when it can run. */
export const firefoxMissing: string | undefined = existsSync(FIREFOX_PATH)
  ? undefined
  : `Firefox 浏览器测试跳过：没有 ${FIREFOX_PATH}（Debian: apt-get install -y firefox-esr；.ci/run 会自动安装）`;

/**
 * Debian's Firefox ESR, driven over WebDriver BiDi by puppeteer-core (Playwright drives only its own
 * patched Firefox builds, which would have to be downloaded). Phone width, like the Chromium tests.
 */
export async function launchFirefox(): Promise<{ browser: PuppeteerBrowser; close(): Promise<void> }> {
  const puppeteer = (await import("puppeteer-core")).default;
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX_PATH,
    headless: true,
    defaultViewport: { width: 420, height: 860 },
    timeout: 60_000,
    extraPrefsFirefox: { "intl.accept_languages": "zh-CN", "network.proxy.type": 0 },
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
    },
  };
}
