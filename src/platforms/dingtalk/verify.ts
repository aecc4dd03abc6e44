/**
 * Authenticity of DingTalk's HTTP callbacks. Decides on headers alone: neither signature covers the
 * body, so a captured request can be replayed within the window — callers deduplicate on msgId (robot
 * messages) and on the click itself (cards). The body's size is checked by the caller.
 *
 * Robot messages (HTTP mode), https://open.dingtalk.com/document/isvapp/receive-message :
 *   headers `timestamp` (ms) and `sign`; sign = Base64(HmacSHA256(key = appSecret,
 *   data = timestamp + "\n" + appSecret)); refuse when |now − timestamp| > 1 hour or the sign differs.
 *   The docs disagree on one point: that page says the sign is the Base64 value, while the custom-robot
 *   pages describing the same algorithm add "再进行 urlEncode" (Base64 then URL-encoded). We accept
 *   both spellings.
 *
 * Card callbacks, https://open.dingtalk.com/document/development/event-callback-card :
 *   only when an apiSecret was given to /v1.0/card/callbacks/register, DingTalk adds
 *   `x-ddpaas-signature-timestamp` and `x-ddpaas-signature` = Base64(HmacSHA256(key = apiSecret,
 *   data = the timestamp as sent)). The page sets no time window; we apply the robot's one hour.
 *
 * node:crypto's createHmac and timingSafeEqual run on Node and on Workers with nodejs_compat, as
 * the Feishu verifier's do.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const MAX_CLOCK_SKEW_MS = 60 * 60 * 1000;

export type DingTalkVerifyResult = { ok: true } | { ok: false; status: 401; reason: string };

const hmacBase64 = (key: string, data: string) =>
  createHmac("sha256", key).update(data, "utf8").digest("base64");

/** The robot callback's `sign` for a timestamp string, as DingTalk computes it. */
export function robotSignature(timestamp: string, appSecret: string): string {
  return hmacBase64(appSecret, `${timestamp}\n${appSecret}`);
}

/** The card callback's `x-ddpaas-signature` for a timestamp string, as DingTalk computes it. */
export function cardCallbackSignature(timestamp: string, apiSecret: string): string {
  return hmacBase64(apiSecret, timestamp);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Base64 as sent, or Base64 that was URL-encoded on the way (the custom-robot pages' form). */
function signatureForms(received: string): string[] {
  const forms = [received.trim()];
  if (/%[0-9a-f]{2}/i.test(received)) {
    try {
      forms.push(decodeURIComponent(received.trim()));
    } catch {
      // Not valid percent-encoding: only the raw form is compared.
    }
  }
  return forms;
}

function checkTimestamp(timestamp: string, now: Date): string | undefined {
  if (!/^\d{10,16}$/.test(timestamp.trim())) return "时间戳格式不对（应为毫秒）";
  if (Math.abs(now.getTime() - Number(timestamp)) > MAX_CLOCK_SKEW_MS) {
    return "请求时间戳与当前时间相差超过 1 小时";
  }
  return undefined;
}

function verify(
  timestamp: string | undefined,
  signature: string | undefined,
  expected: (timestamp: string) => string,
  now: Date,
): DingTalkVerifyResult {
  if (!timestamp || !signature) return { ok: false, status: 401, reason: "缺少签名请求头" };
  const stale = checkTimestamp(timestamp, now);
  if (stale) return { ok: false, status: 401, reason: stale };
  const want = expected(timestamp.trim());
  if (!signatureForms(signature).some((form) => sameText(form, want))) {
    return { ok: false, status: 401, reason: "签名不正确" };
  }
  return { ok: true };
}

/** POST from the robot (group @-message or one-to-one message), HTTP mode. */
export function verifyRobotRequest(input: {
  headers: { timestamp: string | undefined; sign: string | undefined };
  appSecret: string;
  now: Date;
}): DingTalkVerifyResult {
  const { headers, appSecret, now } = input;
  return verify(headers.timestamp, headers.sign, (t) => robotSignature(t, appSecret), now);
}

/** POST from the card platform when someone clicks a card with callbackType HTTP. */
export function verifyCardCallback(input: {
  headers: { timestamp: string | undefined; signature: string | undefined };
  apiSecret: string;
  now: Date;
}): DingTalkVerifyResult {
  const { headers, apiSecret, now } = input;
  return verify(headers.timestamp, headers.signature, (t) => cardCallbackSignature(t, apiSecret), now);
}
