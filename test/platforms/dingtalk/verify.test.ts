import { describe, expect, it } from "vitest";
import {
  cardCallbackSignature,
  robotSignature,
  verifyCardCallback,
  verifyRobotRequest,
} from "../../../src/platforms/dingtalk/verify.ts";
import {
  buildCardCallbackRequest,
  buildRobotRequest,
  cardCallbackBody,
  robotMessageBody,
} from "../../support/dingtalk-requests.ts";

const appSecret = "app_secret_zhibu";
const apiSecret = "card_secret_zhibu";
const now = new Date("2026-11-20T02:00:00Z");
const body = robotMessageBody({ staffId: "u1", text: "签到", conversationId: "cid1", now: now.getTime() });

const robot = (req: { headers: Record<string, string> }, at = now) =>
  verifyRobotRequest({
    headers: { timestamp: req.headers.timestamp, sign: req.headers.sign },
    appSecret,
    now: at,
  });
const card = (req: { headers: Record<string, string> }, at = now) =>
  verifyCardCallback({
    headers: {
      timestamp: req.headers["x-ddpaas-signature-timestamp"],
      signature: req.headers["x-ddpaas-signature"],
    },
    apiSecret,
    now: at,
  });

describe("DingTalk robot callback signature", () => {
  it("signs as documented: Base64(HmacSHA256(appSecret, timestamp + \\n + appSecret))", () => {
    // Expected value computed independently (Python hmac).
    expect(robotSignature("1613630252678", "this is secret")).toBe(
      "ox3TIxJl5LKAZgITvxdK9KQb2dYy1I7VnAl6A9NnXDg=",
    );
  });

  it("accepts a correctly signed request", () => {
    expect(robot(buildRobotRequest(body, appSecret, { timestamp: now.getTime() }))).toEqual({ ok: true });
  });

  it("accepts the URL-encoded form of the sign (the custom-robot pages' spelling)", () => {
    // Find a timestamp whose sign has +, / or = so the encoded form differs from the raw one.
    let t = now.getTime();
    while (!/[+/=]/.test(robotSignature(String(t), appSecret))) t++;
    const req = buildRobotRequest(body, appSecret, { timestamp: t, urlEncode: true });
    expect(req.headers.sign).toMatch(/%2[BF]|%3D/i);
    expect(robot(req)).toEqual({ ok: true });
  });

  it("refuses a bad sign, a sign made with another secret, and a tampered timestamp", () => {
    expect(
      robot(buildRobotRequest(body, appSecret, { timestamp: now.getTime(), signature: "AAAA" })),
    ).toMatchObject({ ok: false, status: 401, reason: "签名不正确" });
    expect(robot(buildRobotRequest(body, "other", { timestamp: now.getTime() }))).toMatchObject({
      ok: false,
    });
    const req = buildRobotRequest(body, appSecret, { timestamp: now.getTime() });
    req.headers.timestamp = String(now.getTime() + 1);
    expect(robot(req)).toMatchObject({ ok: false, reason: "签名不正确" });
  });

  it("refuses a timestamp more than one hour off, either way, and accepts one just inside", () => {
    const hour = 60 * 60 * 1000;
    expect(robot(buildRobotRequest(body, appSecret, { timestamp: now.getTime() - hour - 1 }))).toMatchObject({
      ok: false,
      reason: "请求时间戳与当前时间相差超过 1 小时",
    });
    expect(robot(buildRobotRequest(body, appSecret, { timestamp: now.getTime() + hour + 1 }))).toMatchObject({
      ok: false,
    });
    expect(robot(buildRobotRequest(body, appSecret, { timestamp: now.getTime() - hour + 1000 }))).toEqual({
      ok: true,
    });
  });

  it("refuses missing headers and a timestamp in seconds", () => {
    expect(robot(buildRobotRequest(body, appSecret, { unsigned: true }))).toMatchObject({
      ok: false,
      reason: "缺少签名请求头",
    });
    const seconds = Math.floor(now.getTime() / 1000);
    expect(
      robot({ headers: { timestamp: String(seconds), sign: robotSignature(String(seconds), appSecret) } }),
    ).toMatchObject({
      ok: false,
    });
  });
});

describe("DingTalk card callback signature", () => {
  const click = cardCallbackBody({ outTrackId: "t1", userId: "u1", params: { action: "{}" } });

  it("signs as documented: Base64(HmacSHA256(apiSecret, timestamp))", () => {
    expect(cardCallbackSignature("1595925864847", "mySecret")).toBe(
      "xnBENZKoYbPiEX7TzjTy35B2Dv4RlEs6ks4/GYlmGOY=",
    );
  });

  it("accepts x-ddpaas-signature over x-ddpaas-signature-timestamp", () => {
    expect(card(buildCardCallbackRequest(click, apiSecret, { timestamp: now.getTime() }))).toEqual({
      ok: true,
    });
  });

  it("refuses a bad signature, missing headers and an old timestamp", () => {
    expect(
      card(buildCardCallbackRequest(click, apiSecret, { timestamp: now.getTime(), signature: "bad" })),
    ).toMatchObject({ ok: false, status: 401 });
    expect(card(buildCardCallbackRequest(click, apiSecret, { unsigned: true }))).toMatchObject({
      ok: false,
      reason: "缺少签名请求头",
    });
    expect(
      card(buildCardCallbackRequest(click, apiSecret, { timestamp: now.getTime() - 2 * 3600_000 })),
    ).toMatchObject({
      ok: false,
    });
  });

  it("a robot sign is not a card signature (different data, different key)", () => {
    const t = String(now.getTime());
    expect(
      verifyCardCallback({
        headers: { timestamp: t, signature: robotSignature(t, apiSecret) },
        apiSecret,
        now,
      }),
    ).toMatchObject({ ok: false });
  });
});
