import { describe, expect, it } from "vitest";
import { parseFeishuPayload } from "../../../src/platforms/feishu/parse.ts";
import { cardActionEvent, loadFeishuFixture, messageEvent } from "../../support/feishu-requests.ts";

const options = { botName: "支部助手" };

describe("Feishu payload parsing (fixtures from Feishu's documentation)", () => {
  it("url_verification → challenge", () => {
    expect(parseFeishuPayload(loadFeishuFixture("url-verification"), options)).toEqual({
      kind: "challenge",
      challenge: "ajls384kdjx98XX",
    });
  });

  it("the documented group message, which @-mentions a user (not the bot)", () => {
    const parsed = parseFeishuPayload(loadFeishuFixture("im.message.receive_v1"), options);
    expect(parsed).toEqual({
      kind: "event",
      eventType: "im.message.receive_v1",
      event: {
        type: "message",
        platform: "feishu",
        eventId: "5e3702a84e847582be8db7fb73283c02",
        messageId: "om_5ce6d572455d361153b7cb51da133945",
        chatId: "oc_5ce6d572455d361153b7xx51da133945",
        chatType: "group",
        sender: {
          id: "ou_84aad35d084aa403a838cf73ee18467",
          altIds: [
            { kind: "user_id", value: "e33ggbyz" },
            { kind: "union_id", value: "on_8ed6aa67826108097d9ee143816345" },
          ],
        },
        text: "@Tom hello",
        mentionsBot: false,
      },
    });
  });

  it("the same message @-mentioning the bot: mention removed from the text", () => {
    const payload = messageEvent({
      openId: "ou_1",
      chatId: "oc_1",
      text: " 绑定  办公室党支部 ",
      mentionBotAs: "支部助手",
    });
    const parsed = parseFeishuPayload(payload, options);
    expect(parsed).toMatchObject({ kind: "event", event: { text: "绑定 办公室党支部", mentionsBot: true } });
  });

  it("p2p messages, and non-text or bot-sent messages are ignored", () => {
    const p2p = messageEvent({ openId: "ou_1", chatId: "oc_p", chatType: "p2p", text: "帮助" });
    expect(parseFeishuPayload(p2p, options)).toMatchObject({
      event: { chatType: "p2p", text: "帮助", mentionsBot: false },
    });
    const image = loadFeishuFixture("im.message.receive_v1");
    image.event.message.message_type = "image";
    image.event.message.content = '{"image_key":"img_x"}';
    expect(parseFeishuPayload(image, options)).toMatchObject({ kind: "ignored" });
    const fromApp = loadFeishuFixture("im.message.receive_v1");
    fromApp.event.sender.sender_type = "app";
    expect(parseFeishuPayload(fromApp, options)).toMatchObject({ kind: "ignored" });
  });

  it("the documented bot-added event", () => {
    expect(parseFeishuPayload(loadFeishuFixture("im.chat.member.bot.added_v1"), options)).toEqual({
      kind: "event",
      eventType: "im.chat.member.bot.added_v1",
      event: {
        type: "bot_added",
        platform: "feishu",
        eventId: "5e3702a84e847582be8db7fb73283c02",
        chatId: "oc_413871a6f5a3c4b5a0d2a3c9e1a5c7c8",
        chatName: "测试群",
        operator: {
          id: "ou_84aad35d084aa403a838cf73ee18467",
          altIds: [
            { kind: "user_id", value: "e33ggbyz" },
            { kind: "union_id", value: "on_8ed6aa67826108097d9ee143816345" },
          ],
        },
      },
    });
  });

  it("the documented form submission: value, form_value, operator, message and chat", () => {
    expect(parseFeishuPayload(loadFeishuFixture("card.action.trigger.form"), options)).toEqual({
      kind: "event",
      eventType: "card.action.trigger",
      event: {
        type: "card_action",
        platform: "feishu",
        eventId: "f7984f25108f8137722bb63cee927e66",
        messageId: "om_574d639e4a44e4dd646eaf628e2f2b17",
        chatId: "oc_e4d2605ca917e695f54f11aaf56271e3",
        operator: {
          id: "ou_3c14f3a59eaf2825dbe25359f15211a9",
          altIds: [
            { kind: "user_id", value: "867bge84" },
            { kind: "union_id", value: "on_cad4860e7af114fb4ff6c5d496d1dd76" },
          ],
        },
        value: { key_1: "value_1" },
        formValue: {
          DatePicker_bpqdq5puvn4: "2024-04-01 +0800",
          Input_lf4fmxwfrd9: "1234",
          Select_a2d5b7l3zd: "1",
        },
      },
    });
  });

  it("a button click has no form value; non-string values come back as strings", () => {
    const p = cardActionEvent({ openId: "ou_1", messageId: "om_1", value: { action: "x" } });
    p.event.action.value = { action: "meeting.sign_in", n: 3 };
    expect(parseFeishuPayload(p, options)).toMatchObject({
      event: { value: { action: "meeting.sign_in", n: "3" } },
    });
    expect(parseFeishuPayload(p, options)).not.toHaveProperty("event.formValue");
  });

  it("other event types are ignored, not errors", () => {
    const other = loadFeishuFixture("im.message.receive_v1");
    other.header.event_type = "im.message.message_read_v1";
    expect(parseFeishuPayload(other, options)).toMatchObject({
      kind: "ignored",
      eventType: "im.message.message_read_v1",
    });
  });
});
