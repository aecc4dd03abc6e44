/**
 * Mobile number → staffId (userid), for rosters that give only a mobile number.
 *
 * 根据手机号查询用户 is an old-style API: POST {oapiBase}/topapi/v2/user/getbymobile?access_token=…
 * with body {mobile} → {errcode, errmsg, result: {userid}}; errcode 60121 "找不到该用户", 40104 "手机号码
 * 在企业内无效", -1 系统繁忙; permission qyapi_get_member_by_mobile; "如果员工离职，无法通过手机号获取"
 * (https://open.dingtalk.com/document/orgapp/query-users-by-phone-number, English mirror
 * https://help.dingtalk.io/open/development/query-users-by-phone-number).
 * Its access_token is the old-style one, GET {oapiBase}/gettoken?appkey=&appsecret= →
 * {errcode, access_token, expires_in}; we did not find the docs saying the v1.0 accessToken is
 * accepted there, so the old token is fetched and cached separately.
 * The page's curl sample posts a form (application/x-www-form-urlencoded) while its SDK samples and
 * the published clients post JSON; we post JSON.
 * Both calls are exempt from the monthly quota (通讯录接口).
 */
import { sleep as realSleep } from "../../lib/rate-limiter.ts";
import type { DingTalkConfig } from "./config.ts";
import { classify, toSendError } from "./errors.ts";
import { callDingTalk, type OnApiCall } from "./http.ts";
import { createTokenCache } from "./token.ts";

export interface MobileLookupOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  onApiCall?: OnApiCall;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

export interface MobileLookupResult {
  /** mobile → staffId */
  resolved: Map<string, string>;
  /** In input order, with the reason in Chinese. */
  unresolved: { mobile: string; reason: string }[];
}

export interface DingTalkDirectory {
  resolveMobiles(mobiles: string[]): Promise<MobileLookupResult>;
}

const REASONS: Record<number, string> = {
  60121: "钉钉中没有这个手机号的在职成员",
  40104: "手机号在本组织内无效",
  400002: "手机号格式不对",
};

export function createDingTalkDirectory(
  config: Pick<DingTalkConfig, "appKey" | "appSecret" | "oapiBase">,
  options: MobileLookupOptions = {},
): DingTalkDirectory {
  const http = {
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: options.timeoutMs ?? 10_000,
    ...(options.onApiCall ? { onApiCall: options.onApiCall } : {}),
  } satisfies { fetch: typeof fetch; timeoutMs: number; onApiCall?: OnApiCall };
  const now = options.now ?? (() => new Date());
  const wait = options.sleep ?? realSleep;
  const tokens = createTokenCache(
    async () => {
      const query = new URLSearchParams({ appkey: config.appKey, appsecret: config.appSecret });
      const answer = await callDingTalk(http, "oapi.gettoken", `${config.oapiBase}/gettoken?${query}`, {
        method: "GET",
      });
      if (!answer.ok) throw toSendError("获取通讯录访问凭证", answer.failure, now());
      const token = answer.body.access_token;
      if (typeof token !== "string" || !token)
        throw toSendError("获取通讯录访问凭证", { message: "响应中没有 access_token" }, now());
      return { token, expiresInSeconds: Number(answer.body.expires_in) || 7200 };
    },
    () => now().getTime(),
  );

  async function lookup(mobile: string): Promise<{ staffId: string } | { reason: string }> {
    let authRetried = false;
    for (let throttled = 0; ; ) {
      const token = await tokens.get();
      const url = `${config.oapiBase}/topapi/v2/user/getbymobile?access_token=${encodeURIComponent(token)}`;
      const answer = await callDingTalk(http, "oapi.user.getbymobile", url, {
        method: "POST",
        body: { mobile },
      });
      if (answer.ok) {
        const result = answer.body.result as { userid?: unknown } | undefined;
        return typeof result?.userid === "string" && result.userid
          ? { staffId: result.userid }
          : { reason: "钉钉没有返回 userid" };
      }
      const f = answer.failure;
      const known = typeof f.code === "number" ? REASONS[f.code] : undefined;
      if (known) return { reason: known };
      const kind = classify(f);
      if (kind === "auth" && !authRetried) {
        authRetried = true;
        tokens.invalidate(token);
        continue;
      }
      if ((kind === "throttled" || f.code === -1) && throttled++ < 3) {
        await wait(1000);
        continue;
      }
      throw toSendError("按手机号查询成员", f, now());
    }
  }

  return {
    async resolveMobiles(mobiles) {
      const resolved = new Map<string, string>();
      const unresolved: MobileLookupResult["unresolved"] = [];
      // One at a time: a roster is imported rarely, and 20 calls a second is the app's whole budget.
      for (const mobile of [...new Set(mobiles.map((m) => m.trim()).filter(Boolean))]) {
        const r = await lookup(mobile);
        if ("staffId" in r) resolved.set(mobile, r.staffId);
        else unresolved.push({ mobile, reason: r.reason });
      }
      return { resolved, unresolved };
    },
  };
}
