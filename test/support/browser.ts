/**
 * A real Chromium for browser tests: Debian's package at /usr/bin/chromium (installed by .ci/run), driven
 * by playwright-core — nothing is downloaded at run time. Each launch gets a fresh profile directory.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

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
