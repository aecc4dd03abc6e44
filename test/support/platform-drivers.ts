/**
 * One end-to-end scenario, any platform: a driver sends what a member does (a message, a click) signed
 * as that platform signs it, and reads back what the bot sent through that platform's fake OpenAPI in
 * one shape, so a test can say "the chat got a card containing …" on Feishu and DingTalk alike.
 */
import type { IdentityKind, PlatformName } from "../../src/platforms/types.ts";
import type { FakeDingTalkOpenApi } from "../fakes/dingtalk-openapi.ts";
import type { FakeFeishuOpenApi } from "../fakes/feishu-openapi.ts";
import {
  buildCardCallbackRequest,
  buildRobotRequest,
  cardCallbackBody,
  robotMessageBody,
} from "./dingtalk-requests.ts";
import { cardActionEvent, messageEvent, postFeishu } from "./feishu-requests.ts";

export const ENCRYPT_KEY = "Zb8xQ2mK7pV4sT9w";
export const VERIFICATION_TOKEN = "vt_zhibu_e2e";
export const BOT = "支部助手";
export const DINGTALK_CARD_SECRET = "card_secret_zhibu_e2e";
export const DINGTALK_TEMPLATE = "tpl-zhibu-generic.schema";

export interface SentMessage {
  messageId: string;
  /** The chat or person it reached. */
  to: string;
  /** How the person or chat was addressed: open_id / chat_id on Feishu, staff_id / conversation on DingTalk. */
  idType: string;
  /** A text message's text ("" for cards). */
  text: string;
  /** Everything sent, as JSON, for `toContain` checks on cards. */
  json: string;
  at: number;
}

export interface SentPatch {
  messageId: string;
  /** The card as it shows after the update. */
  json: string;
  at: number;
}

export interface ClickAnswer {
  status: number;
  body: any;
  /** The toast the clicker sees ("" for none). */
  toast: string;
}

export interface PlatformDriver {
  readonly name: PlatformName;
  /** The id kind the roster stores for this platform, which `idOf` returns. */
  readonly identityKind: IdentityKind;
  /** The id type private messages are addressed by. */
  readonly privateIdType: string;
  env(): Record<string, string>;
  say(userId: string, chatId: string, text: string, chatType?: "group" | "p2p"): Promise<Response>;
  click(
    userId: string,
    messageId: string,
    value: Record<string, string>,
    formValue?: Record<string, string | string[]>,
  ): Promise<ClickAnswer>;
  /** An id of someone in no roster. */
  readonly stranger: string;
  messages(): SentMessage[];
  messagesTo(id: string): SentMessage[];
  patches(): SentPatch[];
  /** Forgets what was sent so far (cards stay updatable). */
  reset(): void;
}

export function feishuDriver(fake: FakeFeishuOpenApi, url: () => string): PlatformDriver {
  const options = { encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN };
  const messages = () =>
    fake.messages.map((m) => ({
      messageId: m.messageId,
      to: m.receiveId,
      idType: m.receiveIdType,
      text: (m.parsed as { text?: string } | undefined)?.text ?? "",
      json: JSON.stringify(m.parsed ?? null),
      at: m.at,
    }));
  return {
    name: "feishu",
    identityKind: "open_id",
    privateIdType: "open_id",
    stranger: "ou_ffffffffffffffffffffffffffff0000",
    env: () => ({
      FEISHU_APP_ID: fake.appId,
      FEISHU_APP_SECRET: fake.appSecret,
      FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
      FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
      FEISHU_DOMAIN: fake.url,
      FEISHU_BOT_NAME: BOT,
    }),
    say: (openId, chatId, text, chatType = "group") =>
      postFeishu(
        url(),
        messageEvent({
          openId,
          chatId,
          text,
          chatType,
          ...(chatType === "group" ? { mentionBotAs: BOT } : {}),
        }),
        options,
      ),
    async click(openId, messageId, value, formValue) {
      const res = await postFeishu(
        url(),
        cardActionEvent({ openId, messageId, value, ...(formValue ? { formValue } : {}) }),
        options,
      );
      const body: any = await res.json().catch(() => null);
      return { status: res.status, body, toast: String(body?.toast?.content ?? "") };
    },
    messages,
    messagesTo: (id) => messages().filter((m) => m.to === id),
    patches: () =>
      fake.patches.map((p) => ({ messageId: p.messageId, json: JSON.stringify(p.parsed ?? null), at: p.at })),
    reset: () => fake.reset(),
  };
}

/**
 * DingTalk names a click by what it carries and its signature timestamp (ms): two real clicks never share
 * both, but a test firing a burst from one process would, so each request gets a timestamp of its own.
 */
let lastTimestamp = 0;
const clickTimestamp = () => {
  lastTimestamp = Math.max(Date.now(), lastTimestamp + 1);
  return lastTimestamp;
};

export function dingtalkDriver(fake: FakeDingTalkOpenApi, url: () => string): PlatformDriver {
  // Which conversation each session webhook answers, as DingTalk would know it.
  const sessions = new Map<string, string>();
  const textOf = (c: any): string =>
    typeof c?.content === "string"
      ? c.content
      : typeof c?.text === "string"
        ? c.text
        : (c?.text?.content ?? c?.markdown?.text ?? "");
  const privateCard = (outTrackId: string) =>
    /IM_ROBOT/i.test(String(fake.cards.get(outTrackId)?.request.openSpaceId ?? ""));
  const messages = () =>
    fake.deliveries
      .filter((d) => d.kind !== "update")
      .map((d) => ({
        messageId: d.messageId,
        to: d.kind === "webhook" ? (sessions.get(d.target) ?? d.target) : d.target,
        idType:
          d.kind === "oto" || (d.kind === "card" && privateCard(d.messageId)) ? "staff_id" : "conversation",
        text: d.kind === "card" ? "" : textOf(d.content),
        json: JSON.stringify(d.content),
        at: d.at,
      }));
  return {
    name: "dingtalk",
    identityKind: "staff_id",
    privateIdType: "staff_id",
    stranger: "stranger0000",
    env: () => ({
      DINGTALK_APP_KEY: fake.appKey,
      DINGTALK_APP_SECRET: fake.appSecret,
      DINGTALK_API_BASE: fake.url,
      DINGTALK_OAPI_BASE: fake.url,
      DINGTALK_CARD_TEMPLATE_ID: DINGTALK_TEMPLATE,
      DINGTALK_CARD_CALLBACK_SECRET: DINGTALK_CARD_SECRET,
      DINGTALK_BOT_NAME: BOT,
    }),
    async say(staffId, chatId, text, chatType = "group") {
      const webhook = fake.sessionWebhook(Date.now() + 90 * 60_000);
      sessions.set(`session:${new URL(webhook).searchParams.get("session")}`, chatId);
      const body = robotMessageBody({
        staffId,
        text,
        conversationId: chatId,
        conversationType: chatType === "group" ? "2" : "1",
        atBot: chatType === "group",
        sessionWebhook: webhook,
      });
      const req = buildRobotRequest(body, fake.appSecret);
      return fetch(`${url()}/dingtalk/robot`, { method: "POST", headers: req.headers, body: req.body });
    },
    async click(staffId, outTrackId, value, formValue) {
      const params: Record<string, unknown> = { action: JSON.stringify(value), ...(formValue ?? {}) };
      const req = buildCardCallbackRequest(
        cardCallbackBody({ outTrackId, userId: staffId, params }),
        DINGTALK_CARD_SECRET,
        { timestamp: clickTimestamp() },
      );
      const res = await fetch(`${url()}/dingtalk/card`, {
        method: "POST",
        headers: req.headers,
        body: req.body,
      });
      const body: any = await res.json().catch(() => null);
      return { status: res.status, body, toast: String(body?.userPrivateData?.cardParamMap?.toast ?? "") };
    },
    messages,
    messagesTo: (id) => messages().filter((m) => m.to === id),
    patches: () =>
      fake.deliveries
        .filter((d) => d.kind === "update")
        .map((d) => ({ messageId: d.messageId, json: JSON.stringify(d.content), at: d.at })),
    reset: () => fake.clearRecords(),
  };
}
