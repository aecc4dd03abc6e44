/**
 * The local adapter on its own: what a typed line becomes as an InboundEvent (the @-mention read as a
 * chat platform would), where the bot's messages show, and clicks that name a button by its place and
 * action so an updated card is never clicked blindly.
 */
import { describe, expect, it } from "vitest";
import type { InboundSink } from "../../../src/platforms/adapter.ts";
import { createLocalAdapter, LocalConsoleError } from "../../../src/platforms/local/adapter.ts";
import type { CardView, InboundEvent } from "../../../src/platforms/types.ts";

function withSink(response: Awaited<ReturnType<InboundSink["handleCardAction"]>> = {}) {
  const events: InboundEvent[] = [];
  const sink: InboundSink = {
    async accept(e) {
      events.push(e);
    },
    async handleCardAction(e) {
      events.push(e);
      return response;
    },
  };
  return { events, sink };
}

const signIn: CardView = {
  header: { title: "签到：支部党员大会" },
  blocks: [
    { type: "buttons", buttons: [{ label: "签到", value: { action: "meeting.sign_in", meeting: "m1" } }] },
    {
      type: "form",
      name: "leave",
      inputs: [{ name: "reason", label: "请假事由" }],
      submit: { label: "请假", value: { action: "meeting.leave", meeting: "m1" } },
    },
  ],
};

describe("the local adapter", () => {
  it("in a group the bot hears a line only when @-mentioned, without the mention; privately always", async () => {
    const a = createLocalAdapter();
    const { events, sink } = withSink();
    await a.receiver.start?.(sink);
    await a.say("u1", "local_b1", "@支部助手 安排 支部党员大会 12月3日 15:00");
    await a.say("u1", "local_b1", "＠支部助手第一议题");
    await a.say("u1", "local_b1", "大家好 @支部助手");
    await a.say("u1", "p2p_u1", "帮助");
    expect(events.map((e) => (e.type === "message" ? [e.chatType, e.mentionsBot, e.text] : e.type))).toEqual([
      ["group", true, "安排 支部党员大会 12月3日 15:00"],
      ["group", true, "第一议题"],
      ["group", false, "大家好 @支部助手"],
      ["p2p", true, "帮助"],
    ]);
    expect(events.every((e) => e.platform === "local")).toBe(true);
    // What was typed shows in its conversation, as the person's line.
    expect(a.conversation("local_b1").map((e) => e.from)).toEqual([
      { kind: "person", id: "u1" },
      { kind: "person", id: "u1" },
      { kind: "person", id: "u1" },
    ]);
  });

  it("shows a chat's messages in that chat and a person's private messages in their chat with the bot", async () => {
    const a = createLocalAdapter();
    const v0 = a.version();
    const first = await a.client.send(
      { type: "chat", id: "local_b1" },
      { kind: "text", text: "提醒" },
      { idempotencyKey: "k1" },
    );
    const again = await a.client.send(
      { type: "chat", id: "local_b1" },
      { kind: "text", text: "提醒" },
      { idempotencyKey: "k1" },
    );
    expect(again.messageId).toBe(first.messageId);
    await a.client.send(
      { type: "user", id: "u2" },
      { kind: "text", text: "您未参加" },
      { idempotencyKey: "k2" },
    );
    expect(a.conversation("local_b1").map((e) => e.message)).toEqual([{ kind: "text", text: "提醒" }]);
    expect(a.conversation("p2p_u2").map((e) => e.message)).toEqual([{ kind: "text", text: "您未参加" }]);
    expect(a.version()).toBe(v0 + 2);
    // Ids never repeat across runs: the database remembers earlier runs' cards and events.
    const b = createLocalAdapter();
    const other = await b.client.send(
      { type: "chat", id: "local_b1" },
      { kind: "text", text: "x" },
      { idempotencyKey: "k1" },
    );
    expect(other.messageId).not.toBe(first.messageId);
  });

  it("a click names the button by its place and action; the answer's card replaces the clicked one", async () => {
    const closed: CardView = { header: { title: "签到已结束" }, blocks: [] };
    const a = createLocalAdapter();
    const { events, sink } = withSink({ toast: { type: "success", text: "签到成功。" }, card: closed });
    await a.receiver.start?.(sink);
    const { messageId } = await a.client.send(
      { type: "chat", id: "local_b1" },
      { kind: "card", card: signIn },
      { idempotencyKey: "card" },
    );
    await expect(a.click("u1", messageId, 0, "meeting.leave")).rejects.toThrow(LocalConsoleError);
    await expect(a.click("u1", "loc_nope", 0, "meeting.sign_in")).rejects.toThrow("这张卡片已不在了");
    expect(events).toHaveLength(0);
    await a.click("u1", messageId, 1, "meeting.leave", { reason: "出差" });
    expect(events[0]).toMatchObject({
      type: "card_action",
      platform: "local",
      chatId: "local_b1",
      operator: { id: "u1" },
      value: { action: "meeting.leave", meeting: "m1" },
      formValue: { reason: "出差" },
    });
    expect(a.conversation("local_b1")[0]?.message).toEqual({ kind: "card", card: closed });
  });

  it("updates a card in place, and says so when the card is from an earlier run", async () => {
    const a = createLocalAdapter();
    const { messageId } = await a.client.send(
      { type: "chat", id: "c" },
      { kind: "card", card: signIn },
      { idempotencyKey: "x" },
    );
    await a.client.updateCard(messageId, { ...signIn, header: { title: "已签到 1" } });
    const [entry] = a.conversation("c");
    expect(entry?.updates).toBe(1);
    expect(entry?.message.kind === "card" && entry.message.card.header.title).toBe("已签到 1");
    await expect(createLocalAdapter().client.updateCard(messageId, signIn)).rejects.toMatchObject({
      name: "PlatformSendError",
      retryable: false,
    });
  });
});
