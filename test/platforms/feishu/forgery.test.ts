/**
 * A property of the Feishu door: 10,000 random mutations of valid, signed and encrypted requests (a
 * command that would schedule a meeting, a sign-in click, a 绑定 that would move a branch's chat) are
 * all refused or answered harmlessly — never a 5xx, never a stack trace, and nothing written.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRows } from "../../../src/db/raw-rows.ts";
import {
  type BotHarness,
  ENCRYPT_KEY,
  startBotHarness,
  VERIFICATION_TOKEN,
} from "../../support/bot-harness.ts";
import { databaseTargets } from "../../support/databases.ts";
import { buildFeishuRequest, cardActionEvent, messageEvent } from "../../support/feishu-requests.ts";

/** mulberry32: the same seed gives the same 10,000 requests, so a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Req = { body: string; headers: Record<string, string>; plain?: string };

function mutate(req: Req, rnd: () => number): Req {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const body = req.body;
  const headers = { ...req.headers };
  const at = Math.floor(rnd() * Math.max(1, body.length));
  const char = String.fromCharCode(32 + Math.floor(rnd() * 95));
  switch (Math.floor(rnd() * 10)) {
    case 0:
      return { body: body.slice(0, at) + char + body.slice(at + 1), headers };
    case 1:
      return { body: body.slice(0, at), headers };
    case 2: {
      const name = pick(["x-lark-request-timestamp", "x-lark-request-nonce", "x-lark-signature"]);
      delete headers[name];
      return { body, headers };
    }
    case 3:
      headers["x-lark-request-timestamp"] = String(
        Number(headers["x-lark-request-timestamp"]) + pick([-3600, -301, 301, 86_400]),
      );
      return { body, headers };
    case 4: {
      const sig = headers["x-lark-signature"] ?? "";
      const i = Math.floor(rnd() * sig.length);
      headers["x-lark-signature"] = sig.slice(0, i) + (sig[i] === "a" ? "b" : "a") + sig.slice(i + 1);
      return { body, headers };
    }
    case 5:
      headers["x-lark-request-nonce"] = `${headers["x-lark-request-nonce"]}${char}`;
      return { body, headers };
    case 6:
      return {
        body: pick(["", "{}", "[]", "null", '{"encrypt":""}', '{"encrypt":123}', "{".repeat(5000)]),
        headers,
      };
    case 7:
      // A plaintext body claiming to be an event, signed with a key the attacker guessed.
      return buildFeishuRequest(JSON.parse(req.plain ?? "{}"), { encryptKey: "guessed-key", encrypt: false });
    case 8:
      return {
        body: body.replace(
          /"encrypt":"([^"]{8})/,
          (_m, p: string) => `"encrypt":"${p.split("").reverse().join("")}`,
        ),
        headers,
      };
    default:
      return { body: JSON.stringify({ ...JSON.parse(body), extra: char.repeat(at % 64) }), headers };
  }
}

describe.each(databaseTargets.slice(0, 1))("forged and mangled Feishu requests ($name)", (target) => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  const counts = async () => {
    const [row] = await rawRows(
      h.db.db,
      sql`select (select count(*) from meetings) as meetings, (select count(*) from attendance) as attendance,
        (select count(*) from branch_chats) as chats, (select count(*) from audit_log) as audit,
        (select count(*) from outbox) as outbox, (select count(*) from inbound_events) as inbound`,
    );
    return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
  };

  it("10,000 mutations: each refused or harmless, no 5xx, no stack trace, nothing written", {
    timeout: 600_000,
  }, async () => {
    const chat = await h.chatOf("bgs");
    const secretary = await h.openIdOf("1001");
    const outsider = await h.openIdOf("1011");
    const payloads = [
      messageEvent({
        openId: secretary,
        chatId: chat,
        text: "安排 支部党员大会 12月3日 15:00 三楼会议室",
        mentionBotAs: "支部助手",
      }),
      cardActionEvent({
        openId: secretary,
        messageId: "om_x",
        chatId: chat,
        value: { action: "meeting.sign_in", meeting: "00000000-0000-0000-0000-000000000000" },
      }),
      messageEvent({
        openId: outsider,
        chatId: "oc_attacker",
        text: "绑定 办公室党支部",
        mentionBotAs: "支部助手",
      }),
    ];
    const before = await counts();
    const rnd = random(20261202);
    const statuses = new Map<number, number>();
    let unchanged = 0;
    for (let batch = 0; batch < 500; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const payload = payloads[Math.floor(rnd() * payloads.length)] as Record<string, any>;
          const valid = buildFeishuRequest(payload, {
            encryptKey: ENCRYPT_KEY,
            verificationToken: VERIFICATION_TOKEN,
          });
          const req = mutate({ ...valid, plain: JSON.stringify(payload) }, rnd);
          // A mutation that changed nothing (a truncation at the end; HTTP trims a trailing space from a
          // header) is no forgery: it is counted, not sent.
          const same = (a: Record<string, string>, b: Record<string, string>) =>
            JSON.stringify(Object.entries(a).map(([k, v]) => [k, v.trim()])) ===
            JSON.stringify(Object.entries(b).map(([k, v]) => [k, v.trim()]));
          if (req.body === valid.body && same(req.headers, valid.headers)) {
            unchanged++;
            return;
          }
          const res = await fetch(`${h.url}/feishu/events`, {
            method: "POST",
            headers: req.headers,
            body: req.body,
          });
          const text = await res.text();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status, text).toBeLessThan(500);
          expect(text).not.toMatch(/\bat .+:\d+:\d+|Error:/);
        }),
      );
    }
    await h.settle();
    expect(unchanged).toBeLessThan(100);
    // Every mutation was refused at the door: 400 (not JSON) or 401 (signature, time, key).
    expect(
      [...statuses.keys()].every((s) => s === 400 || s === 401),
      JSON.stringify([...statuses]),
    ).toBe(true);
    expect(await counts()).toEqual(before);
    // The unmutated requests themselves are accepted (the door is not simply shut).
    const ok = buildFeishuRequest(payloads[0] as Record<string, any>, {
      encryptKey: ENCRYPT_KEY,
      verificationToken: VERIFICATION_TOKEN,
    });
    expect((await fetch(`${h.url}/feishu/events`, { method: "POST", ...ok })).status).toBe(200);
  });
});
