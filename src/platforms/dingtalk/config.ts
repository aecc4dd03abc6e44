/**
 * DingTalk settings from the environment: a pure function of an env record, like src/config.ts does
 * for Feishu. Problems come back as Chinese sentences that name the variable; the caller decides
 * whether to throw (the adapter wraps them in ConfigError).
 *
 * Names follow the developer console: "Client ID (原 AppKey)" and "Client Secret (原 AppSecret)"
 * (https://open.dingtalk.com/document/development/obtain-the-access-token-of-an-internal-app).
 */

export type EnvRecord = Record<string, string | undefined>;

export interface DingTalkConfig {
  /** Client ID (原 AppKey) of the enterprise internal app. */
  appKey: string;
  /** Client Secret (原 AppSecret): gets tokens and signs robot callbacks. */
  appSecret: string;
  /** The robot's code; for an enterprise internal app's own robot it is the AppKey. */
  robotCode: string;
  /** Template id from the card platform (卡片平台) for our generic card; cards cannot be sent without it. */
  cardTemplateId: string | undefined;
  /** The apiSecret we register with /v1.0/card/callbacks/register; DingTalk signs card clicks with it. */
  cardCallbackSecret: string | undefined;
  /** callbackRouteKey the card callback URL is registered under, passed with every card we create. */
  cardCallbackRouteKey: string;
  /** New-style OpenAPI (v1.0 endpoints). */
  apiBase: string;
  /** Old-style OpenAPI (topapi, gettoken): the user-by-mobile lookup still lives there. */
  oapiBase: string;
  /** API calls a month the organisation may make (standard edition: 5,000 since 2025-11-19). */
  monthlyQuota: number;
}

export type DingTalkConfigResult =
  | { ok: true; config: DingTalkConfig | undefined }
  | { ok: false; problems: string[] };

const text = (v: string | undefined): string | undefined => {
  const t = v?.trim();
  return t ? t : undefined;
};

function baseUrl(env: EnvRecord, name: string, fallback: string, problems: string[]): string {
  const value = text(env[name]) ?? fallback;
  try {
    const u = new URL(value);
    if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error("scheme");
  } catch {
    problems.push(`${name}: 不是有效的 URL：${value}`);
  }
  return value.replace(/\/+$/, "");
}

/** Pure: the same env record always gives the same result. `config` is undefined when DingTalk is off. */
export function loadDingTalkConfig(env: EnvRecord): DingTalkConfigResult {
  const appKey = text(env.DINGTALK_APP_KEY);
  const appSecret = text(env.DINGTALK_APP_SECRET);
  const problems: string[] = [];
  if (Boolean(appKey) !== Boolean(appSecret)) {
    problems.push(
      appKey
        ? "DINGTALK_APP_SECRET: 设置了 DINGTALK_APP_KEY 就必须同时设置 DINGTALK_APP_SECRET"
        : "DINGTALK_APP_KEY: 设置了 DINGTALK_APP_SECRET 就必须同时设置 DINGTALK_APP_KEY",
    );
  }
  const apiBase = baseUrl(env, "DINGTALK_API_BASE", "https://api.dingtalk.com", problems);
  const oapiBase = baseUrl(env, "DINGTALK_OAPI_BASE", "https://oapi.dingtalk.com", problems);
  const cardTemplateId = text(env.DINGTALK_CARD_TEMPLATE_ID);
  const cardCallbackSecret = text(env.DINGTALK_CARD_CALLBACK_SECRET);
  if (cardTemplateId && !cardCallbackSecret) {
    problems.push(
      "DINGTALK_CARD_CALLBACK_SECRET: 设置了 DINGTALK_CARD_TEMPLATE_ID 就必须设置卡片回调密钥（注册卡片回调地址时的 apiSecret），否则无法确认卡片点击来自钉钉",
    );
  }
  const routeKey = text(env.DINGTALK_CARD_CALLBACK_ROUTE_KEY) ?? "zhibu";
  if (!/^[\w.-]{1,64}$/.test(routeKey)) {
    problems.push("DINGTALK_CARD_CALLBACK_ROUTE_KEY: 只能包含字母、数字、下划线、点和连字符，最长 64 个字符");
  }
  const quotaText = text(env.DINGTALK_MONTHLY_QUOTA);
  const monthlyQuota = quotaText === undefined ? 5000 : Number(quotaText);
  if (!Number.isInteger(monthlyQuota) || monthlyQuota < 1) {
    problems.push("DINGTALK_MONTHLY_QUOTA: 应为正整数（本组织每月可调用的钉钉接口次数）");
  }
  if (problems.length > 0) return { ok: false, problems };
  if (!appKey || !appSecret) return { ok: true, config: undefined };
  return {
    ok: true,
    config: {
      appKey,
      appSecret,
      robotCode: text(env.DINGTALK_ROBOT_CODE) ?? appKey,
      cardTemplateId,
      cardCallbackSecret,
      cardCallbackRouteKey: routeKey,
      apiBase,
      oapiBase,
      monthlyQuota,
    },
  };
}
