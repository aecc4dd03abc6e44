import { describe, expect, it } from "vitest";
import { decryptFeishu, feishuSignature, verifyFeishuRequest } from "../../../src/platforms/feishu/verify.ts";
import { buildFeishuRequest, loadFeishuFixture } from "../../support/feishu-requests.ts";

const encryptKey = "kD7gS2pQ9xLmN4vB";
const verificationToken = "vt_zhibu_test";
const now = new Date("2026-11-20T02:00:00Z");
const nowSeconds = now.getTime() / 1000;
const event = loadFeishuFixture("im.message.receive_v1");

const verify = (
  req: { body: string; headers: Record<string, string> },
  keys: { encryptKey: string | undefined; verificationToken: string | undefined; allowUnsigned?: boolean } = {
    encryptKey,
    verificationToken,
  },
) =>
  verifyFeishuRequest({
    rawBody: req.body,
    headers: {
      timestamp: req.headers["x-lark-request-timestamp"],
      nonce: req.headers["x-lark-request-nonce"],
      signature: req.headers["x-lark-signature"],
    },
    ...keys,
    now,
  });

describe("Feishu request verification", () => {
  it("decrypts the example from Feishu's documentation", () => {
    const sample = loadFeishuFixture("encrypt-sample");
    expect(decryptFeishu(sample.encrypt, sample.encryptKey)).toBe(sample.plaintext);
  });

  it("signs as documented: sha256 hex of timestamp + nonce + key + body", () => {
    // Expected value computed independently (Python hashlib).
    expect(feishuSignature("1700000000", "abc", "key", '{"a":1}')).toBe(
      "df00ef8f784c8aad314f54e1c585010543e8112d5a6aaceeebc048ae51e7c3e6",
    );
  });

  it("accepts an encrypted, signed event and returns the decrypted payload", () => {
    const result = verify(
      buildFeishuRequest(event, { encryptKey, verificationToken, timestamp: nowSeconds }),
    );
    expect(result).toMatchObject({
      ok: true,
      payload: { schema: "2.0", header: { token: verificationToken } },
    });
  });

  it("refuses a bad signature, a tampered body and missing signature headers", () => {
    expect(
      verify(
        buildFeishuRequest(event, {
          encryptKey,
          verificationToken,
          timestamp: nowSeconds,
          signature: "0".repeat(64),
        }),
      ),
    ).toMatchObject({ ok: false, status: 401 });
    expect(
      verify(
        buildFeishuRequest(event, {
          encryptKey,
          verificationToken,
          timestamp: nowSeconds,
          tamper: (b) => b.replace(/.$/, " }"),
        }),
      ),
    ).toMatchObject({ ok: false, status: 401 });
    expect(verify(buildFeishuRequest(event, { encryptKey, verificationToken, sign: false }))).toMatchObject({
      ok: false,
      status: 401,
      reason: "缺少签名",
    });
  });

  it("refuses timestamps more than 5 minutes away, either way", () => {
    for (const skew of [-301, 301]) {
      const r = verify(
        buildFeishuRequest(event, { encryptKey, verificationToken, timestamp: nowSeconds + skew }),
      );
      expect(r).toMatchObject({ ok: false, status: 401 });
    }
    const ok = verify(
      buildFeishuRequest(event, { encryptKey, verificationToken, timestamp: nowSeconds - 299 }),
    );
    expect(ok.ok).toBe(true);
  });

  it("checks the verification token in header.token (v2) and token (v1)", () => {
    expect(
      verify(buildFeishuRequest(event, { encryptKey, verificationToken: "wrong", timestamp: nowSeconds })),
    ).toMatchObject({ ok: false, status: 401, reason: "Verification Token 不匹配" });
    const challenge = loadFeishuFixture("url-verification");
    expect(verify(buildFeishuRequest(challenge, { encryptKey, verificationToken, sign: false })).ok).toBe(
      true,
    );
    expect(
      verify(buildFeishuRequest(challenge, { encryptKey, verificationToken: "wrong", sign: false })),
    ).toMatchObject({ ok: false, status: 401 });
  });

  it("without an encrypt key nothing is believed (fail closed) — unless the development switch says so", () => {
    const keys = { encryptKey: undefined, verificationToken };
    expect(verify(buildFeishuRequest(event, { verificationToken }), keys)).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(
      verify(buildFeishuRequest(event, {}), { encryptKey: undefined, verificationToken: undefined }),
    ).toMatchObject({
      ok: false,
      status: 401,
    });
    const dev = { ...keys, allowUnsigned: true };
    expect(verify(buildFeishuRequest(event, { verificationToken }), dev).ok).toBe(true);
    const encrypted = buildFeishuRequest(event, { encryptKey, verificationToken, timestamp: nowSeconds });
    expect(verify(encrypted, dev)).toMatchObject({ ok: false, status: 400 });
  });

  it("a body encrypted with another key is refused", () => {
    const r = verify(
      buildFeishuRequest(event, { encryptKey: "another-key", verificationToken, sign: false }),
    );
    expect(r).toMatchObject({ ok: false, status: 401 });
  });

  it("rejects bodies that are not JSON objects", () => {
    expect(verify({ body: "not json", headers: {} })).toMatchObject({ ok: false, status: 400 });
  });
});
