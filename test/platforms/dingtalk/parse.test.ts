import { describe, expect, it } from "vitest";
import { renderCard } from "../../../src/platforms/dingtalk/cards.ts";
import { parseCardCallback, parseRobotMessage } from "../../../src/platforms/dingtalk/parse.ts";
import { cardCallbackBody, robotMessageBody } from "../../support/dingtalk-requests.ts";

describe("DingTalk robot message → InboundEvent", () => {
  it("a group @-message: text without the mention, staffId as sender, msgId as ids, the session webhook kept", () => {
    const body = robotMessageBody({
      staffId: "manager4220",
      text: "签到  第三季度 ",
      conversationId: "cidG+abc==",
      atBot: true,
      msgId: "msgA1",
      sessionWebhook: "https://oapi.dingtalk.com/robot/sendBySession?session=s1",
      sessionWebhookExpiredTime: 1_800_000_000_000,
    });
    expect(parseRobotMessage(JSON.stringify(body))).toEqual({
      kind: "event",
      event: {
        type: "message",
        platform: "dingtalk",
        eventId: "msgA1",
        messageId: "msgA1",
        chatId: "cidG+abc==",
        chatType: "group",
        sender: { id: "manager4220" },
        text: "签到 第三季度",
        mentionsBot: true,
        replyHandle: {
          platform: "dingtalk",
          url: "https://oapi.dingtalk.com/robot/sendBySession?session=s1",
          expiresAt: 1_800_000_000_000,
        },
      },
    });
  });

  it("a one-to-one message is p2p; a leftover @robot name is removed when the name is known", () => {
    const body = robotMessageBody({
      staffId: "u2",
      text: "@支部助手 帮助",
      conversationId: "cidP",
      conversationType: "1",
    });
    const parsed = parseRobotMessage(body, { botName: "支部助手" });
    expect(parsed).toMatchObject({
      kind: "event",
      event: { chatType: "p2p", text: "帮助", mentionsBot: false },
    });
  });

  it("a group message without isInAtList does not mention the bot", () => {
    const body = {
      ...robotMessageBody({ staffId: "u3", text: "大家好", conversationId: "cidG" }),
      isInAtList: false,
    };
    expect(parseRobotMessage(body)).toMatchObject({ kind: "event", event: { mentionsBot: false } });
  });

  it("ignores non-text messages and senders without a staffId", () => {
    const base = robotMessageBody({ staffId: "u4", text: "x", conversationId: "cidG" });
    expect(parseRobotMessage({ ...base, msgtype: "picture" })).toEqual({
      kind: "ignored",
      reason: "not a text message",
    });
    const { senderStaffId: _drop, ...outsider } = base;
    expect(parseRobotMessage(outsider)).toMatchObject({ kind: "ignored" });
  });

  it("malformed bodies come back as a typed error, never a throw", () => {
    const base = robotMessageBody({ staffId: "u5", text: "x", conversationId: "cidG" });
    for (const bad of [
      "not json",
      "[1,2]",
      "null",
      42,
      { ...base, msgId: undefined },
      { ...base, conversationType: "3" },
      { ...base, text: { content: 7 } },
    ]) {
      expect(parseRobotMessage(bad)).toMatchObject({ kind: "malformed", reason: expect.any(String) });
    }
  });
});

describe("DingTalk card callback → InboundEvent", () => {
  const action = JSON.stringify({ action: "meeting.sign_in", meeting: "m1" });

  it("a button click: outTrackId as message, userId as operator, the button's action value", () => {
    const body = cardCallbackBody({ outTrackId: "zhibu_abc", userId: "manager4220", params: { action } });
    const parsed = parseCardCallback(JSON.stringify(body), { timestamp: "1700000000000" });
    expect(parsed).toMatchObject({
      kind: "event",
      event: {
        type: "card_action",
        platform: "dingtalk",
        messageId: "zhibu_abc",
        operator: { id: "manager4220" },
        value: { action: "meeting.sign_in", meeting: "m1" },
        eventId: expect.stringMatching(/^dtcard_[0-9a-f]{32}$/),
      },
    });
    expect(parsed.kind === "event" && parsed.event.formValue).toBeFalsy();
  });

  it("accepts content as the documented JSON string and as an object (the Stream SDKs' form), same event", () => {
    const asString = parseCardCallback(
      cardCallbackBody({ outTrackId: "t", userId: "u", params: { action } }),
    );
    const asObject = parseCardCallback(
      cardCallbackBody({ outTrackId: "t", userId: "u", params: { action }, contentAsObject: true }),
    );
    expect(asObject).toEqual(asString);
  });

  it("a form submission: values read back from our template's `form` (text, select by index, multi-select)", () => {
    const { params } = renderCard({
      header: { title: "更正" },
      blocks: [
        {
          type: "form",
          name: "f",
          inputs: [
            { name: "reason", label: "说明" },
            {
              name: "member",
              label: "人员",
              single: true,
              options: [
                { value: "m-a", label: "甲" },
                { value: "m-b", label: "乙" },
              ],
            },
            {
              name: "tags",
              label: "标签",
              options: [
                { value: "x", label: "X" },
                { value: "y", label: "Y" },
                { value: "z", label: "Z" },
              ],
            },
          ],
          submit: { label: "提交", value: { action: "attendance.correct", meeting: "m1" } },
        },
      ],
    });
    const form = JSON.parse(params.s1_form!);
    form[0].default_string = "因公外出";
    form[1].default_number = 1;
    form[2].default_number_array = [0, 2];
    const body = cardCallbackBody({
      outTrackId: "t",
      userId: "u",
      params: { action: params.s1_submit_action, form },
    });
    expect(parseCardCallback(body)).toMatchObject({
      kind: "event",
      event: {
        value: { action: "attendance.correct", meeting: "m1" },
        formValue: { reason: "因公外出", member: "m-b", tags: ["x", "z"] },
      },
    });
  });

  it("also reads inputs bound straight to named params (the official hello-world's way)", () => {
    const body = cardCallbackBody({ outTrackId: "t", userId: "u", params: { action, reason: "病假" } });
    expect(parseCardCallback(body)).toMatchObject({
      kind: "event",
      event: { formValue: { reason: "病假" } },
    });
  });

  it("two deliveries of the same click share an event id; another click or time does not", () => {
    const body = cardCallbackBody({ outTrackId: "t", userId: "u", params: { action } });
    const id = (b: unknown, t: string) => {
      const p = parseCardCallback(b, { timestamp: t });
      return p.kind === "event" ? p.event.eventId : undefined;
    };
    expect(id(body, "1")).toBe(id(structuredClone(body), "1"));
    expect(id(body, "1")).not.toBe(id(body, "2"));
    expect(id(body, "1")).not.toBe(
      id(cardCallbackBody({ outTrackId: "t", userId: "v", params: { action } }), "1"),
    );
  });

  it("ignores clicks without our action value; malformed bodies are typed errors", () => {
    expect(parseCardCallback(cardCallbackBody({ outTrackId: "t", userId: "u", params: {} }))).toMatchObject({
      kind: "ignored",
    });
    expect(
      parseCardCallback(cardCallbackBody({ outTrackId: "t", userId: "u", params: { action: "{oops" } })),
    ).toMatchObject({
      kind: "ignored",
    });
    for (const bad of [
      "{",
      "[]",
      { userId: "u", content: "{}" },
      { outTrackId: "t", userId: "u", content: "{x" },
      { outTrackId: "t", userId: "u" },
    ]) {
      expect(parseCardCallback(bad)).toMatchObject({ kind: "malformed" });
    }
  });
});
