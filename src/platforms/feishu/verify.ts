/**
 * Authenticity of requests to POST /feishu/events, the way Feishu signs and encrypts them:
 *  - body `{"encrypt": base64}`: AES-256-CBC, key = SHA-256(encryptKey), IV = first 16 bytes;
 *  - X-Lark-Signature = hex(SHA-256(timestamp + nonce + encryptKey + rawBody)), checked whenever an
 *    encrypt key is configured, with at most 5 minutes between X-Lark-Request-Timestamp and now;
 *  - the verification token in `header.token` (v2) or `token` (v1, url_verification).
 */
import { createDecipheriv, createHash, timingSafeEqual } from "node:crypto";

export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export function decryptFeishu(encrypt: string, encryptKey: string): string {
  const key = createHash("sha256").update(encryptKey).digest();
  const data = Buffer.from(encrypt, "base64");
  if (data.length < 32 || data.length % 16 !== 0) throw new Error("密文长度不对");
  const decipher = createDecipheriv("aes-256-cbc", key, data.subarray(0, 16));
  return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString("utf8");
}

export function feishuSignature(
  timestamp: string,
  nonce: string,
  encryptKey: string,
  rawBody: string,
): string {
  return createHash("sha256")
    .update(timestamp + nonce + encryptKey + rawBody)
    .digest("hex");
}

export interface SignatureHeaders {
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
}

export type VerifyResult =
  | { ok: true; payload: Record<string, unknown> }
  | { ok: false; status: 400 | 401; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Decides on the raw request alone; nothing has been read from or written to the database yet. */
export function verifyFeishuRequest(input: {
  rawBody: string;
  headers: SignatureHeaders;
  encryptKey: string | undefined;
  verificationToken: string | undefined;
  /** Development only: without an encrypt key, accept requests no one signed. */
  allowUnsigned?: boolean;
  now: Date;
}): VerifyResult {
  const { rawBody, headers, encryptKey, verificationToken, now } = input;
  // Fail closed: nothing to check a request against is no reason to believe it.
  if (!encryptKey && !input.allowUnsigned) {
    return { ok: false, status: 401, reason: "未设置 FEISHU_ENCRYPT_KEY，无法校验签名，拒绝请求" };
  }
  let outer: unknown;
  try {
    outer = JSON.parse(rawBody);
  } catch {
    return { ok: false, status: 400, reason: "请求体不是 JSON" };
  }
  if (!isRecord(outer)) return { ok: false, status: 400, reason: "请求体不是 JSON 对象" };

  const signed = Boolean(headers.signature || headers.timestamp || headers.nonce);
  if (encryptKey && signed) {
    const { timestamp, nonce, signature } = headers;
    if (!timestamp || !nonce || !signature) return { ok: false, status: 401, reason: "签名请求头不完整" };
    const seconds = Number(timestamp);
    if (!Number.isFinite(seconds) || Math.abs(now.getTime() - seconds * 1000) > MAX_CLOCK_SKEW_MS) {
      return { ok: false, status: 401, reason: "请求时间戳与当前时间相差超过 5 分钟" };
    }
    if (!sameText(feishuSignature(timestamp, nonce, encryptKey, rawBody), signature.toLowerCase())) {
      return { ok: false, status: 401, reason: "签名不正确" };
    }
  }

  let payload: Record<string, unknown> = outer;
  if (typeof outer.encrypt === "string") {
    if (!encryptKey) return { ok: false, status: 400, reason: "收到加密请求，但未设置 FEISHU_ENCRYPT_KEY" };
    try {
      const inner: unknown = JSON.parse(decryptFeishu(outer.encrypt, encryptKey));
      if (!isRecord(inner)) throw new Error("not an object");
      payload = inner;
    } catch {
      return { ok: false, status: 401, reason: "无法解密（FEISHU_ENCRYPT_KEY 与开发者后台不一致？）" };
    }
  }

  // Feishu does not sign the one-off URL check; everything else must be signed once a key is set.
  if (encryptKey && !signed && payload.type !== "url_verification") {
    return { ok: false, status: 401, reason: "缺少签名" };
  }

  if (verificationToken) {
    const header = isRecord(payload.header) ? payload.header : undefined;
    const token = header ? header.token : payload.token;
    if (typeof token !== "string" || !sameText(token, verificationToken)) {
      return { ok: false, status: 401, reason: "Verification Token 不匹配" };
    }
  }
  return { ok: true, payload };
}
