import { describe, expect, it } from "vitest";
import { loadDingTalkConfig } from "../../../src/platforms/dingtalk/config.ts";

describe("DingTalk config from env", () => {
  it("is off without credentials", () => {
    expect(loadDingTalkConfig({})).toEqual({ ok: true, config: undefined });
  });

  it("fills defaults: robot code = app key, public API hosts, route key, 5,000 calls a month", () => {
    expect(loadDingTalkConfig({ DINGTALK_APP_KEY: "dingkey", DINGTALK_APP_SECRET: "s" })).toEqual({
      ok: true,
      config: {
        appKey: "dingkey",
        appSecret: "s",
        robotCode: "dingkey",
        cardTemplateId: undefined,
        cardCallbackSecret: undefined,
        cardCallbackRouteKey: "zhibu",
        apiBase: "https://api.dingtalk.com",
        oapiBase: "https://oapi.dingtalk.com",
        monthlyQuota: 5000,
      },
    });
  });

  it("takes every variable, trimming base URLs", () => {
    const r = loadDingTalkConfig({
      DINGTALK_APP_KEY: "k",
      DINGTALK_APP_SECRET: "s",
      DINGTALK_ROBOT_CODE: "robot",
      DINGTALK_CARD_TEMPLATE_ID: "tpl.schema",
      DINGTALK_CARD_CALLBACK_SECRET: "cb",
      DINGTALK_CARD_CALLBACK_ROUTE_KEY: "zhibu-prod",
      DINGTALK_API_BASE: "http://127.0.0.1:9/",
      DINGTALK_OAPI_BASE: "http://127.0.0.1:9",
      DINGTALK_MONTHLY_QUOTA: "200000",
    });
    expect(r).toMatchObject({
      ok: true,
      config: {
        robotCode: "robot",
        cardTemplateId: "tpl.schema",
        apiBase: "http://127.0.0.1:9",
        monthlyQuota: 200000,
      },
    });
  });

  it("names the variable in Chinese when something is wrong", () => {
    const r = loadDingTalkConfig({
      DINGTALK_APP_KEY: "k",
      DINGTALK_CARD_TEMPLATE_ID: "tpl",
      DINGTALK_API_BASE: "not a url",
      DINGTALK_MONTHLY_QUOTA: "-1",
    });
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems;
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^DINGTALK_APP_SECRET: 设置了 DINGTALK_APP_KEY/);
    expect(problems.some((p) => p.startsWith("DINGTALK_API_BASE: 不是有效的 URL"))).toBe(true);
    expect(problems.some((p) => p.startsWith("DINGTALK_CARD_CALLBACK_SECRET:"))).toBe(true);
    expect(problems.some((p) => p.startsWith("DINGTALK_MONTHLY_QUOTA:"))).toBe(true);
  });
});
