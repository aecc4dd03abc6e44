/**
 * When the local console runs, and where the server listens then: on by default only with no platform
 * configured and only on this machine; LOCAL_CONSOLE=on is the explicit choice, off turns it away.
 */
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  configuredPlatforms,
  describeUnconfiguredPlatforms,
  loadConfig,
} from "../../../src/config.ts";
import { isLoopbackHost } from "../../../src/platforms/local/config.ts";

const FEISHU = { FEISHU_APP_ID: "cli_a", FEISHU_APP_SECRET: "s", FEISHU_ENCRYPT_KEY: "k" };

describe("the local console's configuration", () => {
  it("with nothing configured it is on, and the server listens on 127.0.0.1", () => {
    const c = loadConfig({});
    expect(configuredPlatforms(c)).toEqual(["local"]);
    expect(c.platforms.local).toEqual({ explicit: false });
    expect(c.host).toBe("127.0.0.1");
  });

  it("a real platform turns it off and the server listens publicly as before", () => {
    const c = loadConfig(FEISHU);
    expect(configuredPlatforms(c)).toEqual(["feishu"]);
    expect(c.host).toBe("0.0.0.0");
    expect(describeUnconfiguredPlatforms(c).join("\n")).toContain("本地体验控制台：未启用");
  });

  it("a public HOST without LOCAL_CONSOLE=on keeps it off; a loopback HOST keeps it on", () => {
    expect(configuredPlatforms(loadConfig({ HOST: "0.0.0.0" }))).toEqual([]);
    expect(configuredPlatforms(loadConfig({ HOST: "192.168.1.20" }))).toEqual([]);
    expect(loadConfig({ HOST: "0.0.0.0" }).host).toBe("0.0.0.0");
    expect(configuredPlatforms(loadConfig({ HOST: "localhost" }))).toEqual(["local"]);
  });

  it("LOCAL_CONSOLE=on: alongside a platform, or on a trusted network's address", () => {
    const both = loadConfig({ ...FEISHU, LOCAL_CONSOLE: "on" });
    expect(configuredPlatforms(both)).toEqual(["feishu", "local"]);
    expect(both.platforms.local).toEqual({ explicit: true });
    expect(both.host).toBe("0.0.0.0");
    const lan = loadConfig({ LOCAL_CONSOLE: "on", HOST: "10.0.0.5" });
    expect(configuredPlatforms(lan)).toEqual(["local"]);
    expect(lan.host).toBe("10.0.0.5");
  });

  it("LOCAL_CONSOLE=off: no console, and the old public default", () => {
    const c = loadConfig({ LOCAL_CONSOLE: "off" });
    expect(configuredPlatforms(c)).toEqual([]);
    expect(c.host).toBe("0.0.0.0");
  });

  it("refuses anything else, naming the variable", () => {
    expect(() => loadConfig({ LOCAL_CONSOLE: "maybe" })).toThrow(ConfigError);
    try {
      loadConfig({ LOCAL_CONSOLE: "maybe" });
    } catch (error) {
      expect((error as ConfigError).problems.join("\n")).toContain("LOCAL_CONSOLE");
    }
  });

  it("knows loopback addresses", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "LOCALHOST"])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "10.0.0.1", "127.example.org", "localhost.evil.com"])
      expect(isLoopbackHost(h), h).toBe(false);
  });
});
