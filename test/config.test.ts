import { describe, expect, it } from "vitest";
import { ConfigError, describeUnconfiguredPlatforms, loadConfig } from "../src/config.ts";

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("runs with nothing set: embedded database, port 8787, no platforms", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8787,
      dataDir: "./data",
      databaseUrl: undefined,
      timezone: "Asia/Shanghai",
      schedulerEnabled: true,
      platforms: {},
    });
    expect(describeUnconfiguredPlatforms(c).join("\n")).toContain("飞书：未配置");
  });

  it("reads every variable", () => {
    const c = loadConfig({
      PORT: "9000",
      DATA_DIR: "/var/lib/zhibu",
      DATABASE_URL: "postgres://u@db:5432/zhibu",
      ZHIBU_TIMEZONE: "Asia/Urumqi",
      SCHEDULER_ENABLED: "false",
      FEISHU_APP_ID: "cli_a",
      FEISHU_APP_SECRET: "s",
      FEISHU_ENCRYPT_KEY: "k",
      FEISHU_DOMAIN: "https://open.larksuite.com/",
    });
    expect(c).toMatchObject({
      port: 9000,
      dataDir: "/var/lib/zhibu",
      timezone: "Asia/Urumqi",
      schedulerEnabled: false,
    });
    expect(c.platforms.feishu).toMatchObject({
      appId: "cli_a",
      encryptKey: "k",
      domain: "https://open.larksuite.com",
    });
  });

  it("names the variable in every error, and reports all of them at once", () => {
    const problems = problemsOf({
      PORT: "eighty",
      DATABASE_URL: "mysql://x",
      ZHIBU_TIMEZONE: "Mars/Olympus",
      SCHEDULER_ENABLED: "maybe",
      LOG_LEVEL: "loud",
      FEISHU_DOMAIN: "not a url",
    });
    for (const name of [
      "PORT",
      "DATABASE_URL",
      "ZHIBU_TIMEZONE",
      "SCHEDULER_ENABLED",
      "LOG_LEVEL",
      "FEISHU_DOMAIN",
    ]) {
      expect(
        problems.some((p) => p.startsWith(`${name}:`)),
        `${name} in ${problems.join(" | ")}`,
      ).toBe(true);
    }
  });

  it("refuses a Feishu app whose requests could not be checked, unless explicitly allowed for development", () => {
    expect(problemsOf({ FEISHU_APP_ID: "cli_a", FEISHU_APP_SECRET: "s" })).toEqual([
      expect.stringMatching(/^FEISHU_ENCRYPT_KEY:/),
    ]);
    expect(
      problemsOf({ FEISHU_APP_ID: "cli_a", FEISHU_APP_SECRET: "s", FEISHU_VERIFICATION_TOKEN: "vt" }),
    ).toEqual([expect.stringMatching(/^FEISHU_ENCRYPT_KEY:/)]);
    const dev = loadConfig({ FEISHU_APP_ID: "cli_a", FEISHU_APP_SECRET: "s", FEISHU_ALLOW_UNSIGNED: "true" });
    expect(dev.platforms.feishu).toMatchObject({ allowUnsigned: true, encryptKey: undefined });
  });

  it("refuses half a Feishu app", () => {
    expect(problemsOf({ FEISHU_APP_ID: "cli_a" })).toEqual([expect.stringMatching(/^FEISHU_APP_SECRET:/)]);
    expect(problemsOf({ FEISHU_APP_SECRET: "s" })).toEqual([expect.stringMatching(/^FEISHU_APP_ID:/)]);
  });

  it("rejects out-of-range ports and treats blank values as unset", () => {
    expect(problemsOf({ PORT: "70000" })[0]).toMatch(/^PORT:/);
    expect(loadConfig({ PORT: "", DATABASE_URL: " ", FEISHU_APP_ID: "" })).toMatchObject({
      port: 8787,
      databaseUrl: undefined,
      platforms: {},
    });
  });
});
