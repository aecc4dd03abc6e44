/**
 * Builds requests to POST /feishu/events exactly as Feishu does: payloads shaped like the samples in
 * test/fixtures/feishu, encrypted with AES-256-CBC under SHA-256(encryptKey) with a random IV, and
 * signed with X-Lark-Signature = hex(sha256(timestamp + nonce + encryptKey + body)).
 */
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";

type Json = Record<string, any>;

export function loadFeishuFixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`../fixtures/feishu/${name}.json`, import.meta.url), "utf8"));
}

export function encryptFeishu(plaintext: string, encryptKey: string): string {
  const key = createHash("sha256").update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, "utf8"), cipher.final()]).toString("base64");
}

export function signFeishu(timestamp: string, nonce: string, encryptKey: string, body: string): string {
  return createHash("sha256")
    .update(timestamp + nonce + encryptKey + body)
    .digest("hex");
}

export interface FeishuRequestOptions {
  encryptKey?: string;
  /** Goes into header.token (v2) or token (v1), as Feishu fills it in. */
  verificationToken?: string;
  /** Default: encrypt whenever an encrypt key is given. */
  encrypt?: boolean;
  /** Default: sign whenever an encrypt key is given. */
  sign?: boolean;
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  nonce?: string;
  /** Replaces the computed signature (to forge one). */
  signature?: string;
  /** Changes the body after signing (to tamper with it). */
  tamper?: (body: string) => string;
}

export interface BuiltRequest {
  body: string;
  headers: Record<string, string>;
}

export function buildFeishuRequest(payload: Json, options: FeishuRequestOptions = {}): BuiltRequest {
  const withToken = structuredClone(payload);
  if (options.verificationToken !== undefined) {
    if (withToken.header) withToken.header.token = options.verificationToken;
    else withToken.token = options.verificationToken;
  }
  const encrypt = options.encrypt ?? Boolean(options.encryptKey);
  const plain = JSON.stringify(withToken);
  let body = encrypt ? JSON.stringify({ encrypt: encryptFeishu(plain, options.encryptKey ?? "") }) : plain;
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
  if (options.sign ?? Boolean(options.encryptKey)) {
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = options.nonce ?? randomBytes(8).toString("hex");
    headers["x-lark-request-timestamp"] = timestamp;
    headers["x-lark-request-nonce"] = nonce;
    headers["x-lark-signature"] =
      options.signature ?? signFeishu(timestamp, nonce, options.encryptKey ?? "", body);
  }
  if (options.tamper) body = options.tamper(body);
  return { body, headers };
}

export async function postFeishu(baseUrl: string, payload: Json, options: FeishuRequestOptions = {}) {
  const { body, headers } = buildFeishuRequest(payload, options);
  return fetch(`${baseUrl}/feishu/events`, { method: "POST", headers, body });
}

let seq = 0;
const nextId = (prefix: string) =>
  `${prefix}${Date.now().toString(16)}${(++seq).toString(16).padStart(6, "0")}`;

/** im.message.receive_v1 from the docs sample, sent by `openId` in `chatId`. */
export function messageEvent(input: {
  openId: string;
  text: string;
  chatId: string;
  chatType?: "group" | "p2p";
  /** Mentions the bot by this name before the text (groups); omit for no mention. */
  mentionBotAs?: string;
  eventId?: string;
}): Json {
  const p = loadFeishuFixture("im.message.receive_v1");
  p.header.event_id = input.eventId ?? nextId("ev_msg_");
  p.event.sender.sender_id = { open_id: input.openId, union_id: `on_${input.openId.slice(3)}`, user_id: "" };
  const m = p.event.message;
  m.message_id = nextId("om_in_");
  m.chat_id = input.chatId;
  m.chat_type = input.chatType ?? "group";
  if (input.mentionBotAs) {
    m.content = JSON.stringify({ text: `@_user_1 ${input.text}` });
    m.mentions = [
      {
        key: "@_user_1",
        id: { open_id: "ou_bot_zhibu", union_id: "", user_id: "" },
        name: input.mentionBotAs,
      },
    ];
  } else {
    m.content = JSON.stringify({ text: input.text });
    delete m.mentions;
  }
  return p;
}

export function botAddedEvent(input: {
  chatId: string;
  chatName?: string;
  operatorOpenId: string;
  eventId?: string;
}) {
  const p = loadFeishuFixture("im.chat.member.bot.added_v1");
  p.header.event_id = input.eventId ?? nextId("ev_add_");
  p.event.chat_id = input.chatId;
  p.event.name = input.chatName ?? "测试群";
  p.event.operator_id = { open_id: input.operatorOpenId, union_id: "", user_id: "" };
  return p;
}

export function cardActionEvent(input: {
  openId: string;
  messageId: string;
  chatId?: string;
  value: Record<string, string>;
  formValue?: Record<string, string | string[]>;
  eventId?: string;
}) {
  const p = loadFeishuFixture("card.action.trigger.form");
  p.header.event_id = input.eventId ?? nextId("ev_card_");
  p.event.operator = { open_id: input.openId, union_id: "", user_id: "", tenant_key: "2df73991750096ad" };
  p.event.action.value = input.value;
  if (input.formValue) p.event.action.form_value = input.formValue;
  else {
    delete p.event.action.form_value;
    p.event.action.name = "";
  }
  p.event.context = {
    open_message_id: input.messageId,
    ...(input.chatId ? { open_chat_id: input.chatId } : {}),
  };
  return p;
}

/** Serves a Hono app on 127.0.0.1 at a random port, so tests talk to it over real HTTP. */
export async function serveOnLocalhost(app: Hono): Promise<{ url: string; close(): Promise<void> }> {
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}
