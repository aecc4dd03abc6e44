/**
 * DingTalk's two doors, wired into the running bot: what each wrong or repeated request gets (a bad
 * signature, an old timestamp, a replayed msgId, an unknown conversation, a stranger), and which path a
 * reply takes (the session webhook while valid, else the OpenAPI: the group, or the person by staffId).
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../../src/db/schema.ts";
import { type BotHarness, startBotHarness } from "../../support/bot-harness.ts";
import { databaseTargets } from "../../support/databases.ts";
import {
  buildCardCallbackRequest,
  buildRobotRequest,
  cardCallbackBody,
  robotMessageBody,
  signRobot,
} from "../../support/dingtalk-requests.ts";
import { DINGTALK_CARD_SECRET } from "../../support/platform-drivers.ts";

const SECRETARY = "1001";

describe.each(databaseTargets)("DingTalk webhooks on $name", (target) => {
  let h: BotHarness;
  let chat: string;
  let secretary: string;

  beforeAll(async () => {
    h = await startBotHarness(target, {}, { platforms: ["dingtalk"] });
    chat = await h.chatOf("bgs", "dingtalk");
    secretary = await h.idOf("dingtalk", SECRETARY);
  });
  afterAll(async () => {
    await h?.close();
  });

  const post = async (path: string, req: { body: string; headers: Record<string, string> }) => {
    const res = await fetch(`${h.url}${path}`, { method: "POST", headers: req.headers, body: req.body });
    await h.settle();
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };
  const inbox = async () =>
    (
      await h.db.db
        .select({ event_id: schema.inboundEvents.eventId })
        .from(schema.inboundEvents)
        .where(eq(schema.inboundEvents.platform, "dingtalk"))
    ).map((r) => r);
  const meetings = () => h.db.db.select().from(schema.meetings);
  const webhookTexts = () => h.dingtalk.webhookReplies.map((r) => String(r.body?.text?.content ?? ""));
  const schedule = (msgId?: string, extra: Partial<Parameters<typeof robotMessageBody>[0]> = {}) =>
    robotMessageBody({
      staffId: secretary,
      conversationId: chat,
      text: "安排 支部委员会 12月10日 15:00",
      sessionWebhook: h.dingtalk.sessionWebhook(Date.now() + 3600_000),
      ...(msgId ? { msgId } : {}),
      ...extra,
    });

  it("refuses a forged sign with 401 and stores nothing", async () => {
    h.clock.now = new Date("2026-12-02T02:00:00Z");
    const r = await post("/dingtalk/robot", buildRobotRequest(schedule(), "not-the-secret"));
    expect(r.status).toBe(401);
    expect(await inbox()).toHaveLength(0);
    expect(await meetings()).toHaveLength(0);
    const unsigned = await post("/dingtalk/robot", buildRobotRequest(schedule(), "", { unsigned: true }));
    expect(unsigned.status).toBe(401);
  });

  it("refuses a correctly signed request whose timestamp is more than an hour off", async () => {
    const old = Date.now() - 61 * 60_000;
    const r = await post(
      "/dingtalk/robot",
      buildRobotRequest(schedule(), h.dingtalk.appSecret, { timestamp: old }),
    );
    expect(r.status).toBe(401);
    expect(r.body.error).toContain("1 小时");
    const future = Date.now() + 61 * 60_000;
    expect(
      (
        await post(
          "/dingtalk/robot",
          buildRobotRequest(schedule(), h.dingtalk.appSecret, { timestamp: future }),
        )
      ).status,
    ).toBe(401);
    expect(await inbox()).toHaveLength(0);
  });

  it("accepts the sign URL-encoded too (the custom-robot pages' form) and answers through the session webhook", async () => {
    h.dingtalk.clearRecords();
    const ts = String(Date.now());
    const r = await post(
      "/dingtalk/robot",
      buildRobotRequest(schedule("msg-encoded"), h.dingtalk.appSecret, {
        timestamp: Number(ts),
        signature: encodeURIComponent(signRobot(ts, h.dingtalk.appSecret)),
      }),
    );
    expect(r.status).toBe(200);
    expect(await meetings()).toHaveLength(1);
    // The confirmation is a card (createAndDeliver); nothing went out as a robot group message.
    expect(h.dingtalk.groupMessages).toHaveLength(0);
    expect([...h.dingtalk.cards.values()].some((c) => c.data.s1_md?.includes("支部委员会"))).toBe(true);
  });

  it("a replayed msgId is stored and handled once", async () => {
    h.dingtalk.clearRecords();
    const body = robotMessageBody({
      staffId: secretary,
      conversationId: chat,
      text: "帮助一下",
      msgId: "msg-replayed",
      sessionWebhook: h.dingtalk.sessionWebhook(Date.now() + 3600_000),
    });
    const first = await post("/dingtalk/robot", buildRobotRequest(body, h.dingtalk.appSecret));
    const again = await post("/dingtalk/robot", buildRobotRequest(body, h.dingtalk.appSecret));
    expect([first.status, again.status]).toEqual([200, 200]);
    expect((await inbox()).filter((r) => r.event_id === "msg-replayed")).toHaveLength(1);
    const answers = h.dingtalk.deliveries.filter((d) => d.kind !== "update");
    expect(answers).toHaveLength(1);
  });

  it("an unknown conversation gets told to bind, through its session webhook, and nothing is scheduled", async () => {
    h.dingtalk.clearRecords();
    const before = (await meetings()).length;
    const r = await post(
      "/dingtalk/robot",
      buildRobotRequest(schedule(undefined, { conversationId: "cidUnknownGroup==" }), h.dingtalk.appSecret),
    );
    expect(r.status).toBe(200);
    expect(webhookTexts()).toEqual(["本群还没有绑定支部，无法安排会议。请先发送“绑定 <支部名>”。"]);
    expect(await meetings()).toHaveLength(before);
  });

  it("someone outside the roster is told so; a sender without staffId (outside the organisation) is ignored", async () => {
    h.dingtalk.clearRecords();
    await post(
      "/dingtalk/robot",
      buildRobotRequest(schedule(undefined, { staffId: "stranger0000" }), h.dingtalk.appSecret),
    );
    expect(webhookTexts()[0]).toContain("名册");
    h.dingtalk.clearRecords();
    const outsider = schedule("msg-outsider");
    delete outsider.senderStaffId;
    const r = await post("/dingtalk/robot", buildRobotRequest(outsider, h.dingtalk.appSecret));
    expect(r.status).toBe(200);
    expect(h.dingtalk.deliveries).toHaveLength(0);
    expect((await inbox()).filter((x) => x.event_id === "msg-outsider")).toHaveLength(0);
  });

  it("a body that is not a robot message is refused with 400 after the signature checks out", async () => {
    const req = buildRobotRequest({ hello: "world" }, h.dingtalk.appSecret);
    expect((await post("/dingtalk/robot", req)).status).toBe(400);
  });

  it("with the session webhook expired the reply goes through the OpenAPI: the group, or the person by staffId", async () => {
    h.dingtalk.clearRecords();
    await post(
      "/dingtalk/robot",
      buildRobotRequest(
        schedule(undefined, {
          conversationId: "cidUnknownGroup==",
          sessionWebhook: h.dingtalk.sessionWebhook(Date.now() - 1000),
          sessionWebhookExpiredTime: Date.now() - 1000,
        }),
        h.dingtalk.appSecret,
      ),
    );
    expect(h.dingtalk.webhookReplies).toHaveLength(0);
    expect(h.dingtalk.groupMessages.map((m) => [m.openConversationId, m.param.content])).toEqual([
      ["cidUnknownGroup==", "本群还没有绑定支部，无法安排会议。请先发送“绑定 <支部名>”。"],
    ]);

    h.dingtalk.clearRecords();
    await post(
      "/dingtalk/robot",
      buildRobotRequest(
        robotMessageBody({
          staffId: secretary,
          conversationId: "cidPrivateChat==",
          conversationType: "1",
          text: "会议记录",
          sessionWebhookExpiredTime: Date.now() - 1000,
        }),
        h.dingtalk.appSecret,
      ),
    );
    // 会议记录 answers with a card: a one-to-one conversation's card goes to the person's robot chat.
    const card = [...h.dingtalk.cards.values()].at(-1);
    expect(card?.request.openSpaceId).toBe(`dtv1.card//IM_ROBOT.${secretary}`);
    expect(card?.data.title).toContain("会议记录");
  });

  it("card callbacks: a forged or stale signature gets 401 and changes nothing; a signed click is answered with its toast", async () => {
    const [meeting] = await meetings();
    const click = cardCallbackBody({
      outTrackId: "zhibu_unknown_card",
      userId: secretary,
      params: { action: JSON.stringify({ action: "meeting.cancel", meeting: String(meeting?.id) }) },
    });
    const forged = await post("/dingtalk/card", buildCardCallbackRequest(click, "wrong-secret"));
    expect(forged.status).toBe(401);
    const stale = await post(
      "/dingtalk/card",
      buildCardCallbackRequest(click, DINGTALK_CARD_SECRET, { timestamp: Date.now() - 2 * 3600_000 }),
    );
    expect(stale.status).toBe(401);
    expect((await meetings()).map((r) => r.state)).toEqual(["scheduled"]);
    const unknownAction = cardCallbackBody({
      outTrackId: "zhibu_unknown_card",
      userId: secretary,
      params: { action: JSON.stringify({ action: "no.such.action" }) },
    });
    const ok = await post("/dingtalk/card", buildCardCallbackRequest(unknownAction, DINGTALK_CARD_SECRET));
    expect(ok.status).toBe(200);
    expect(ok.body.userPrivateData.cardParamMap.toast).toContain("已失效");
    const notOurs = cardCallbackBody({ outTrackId: "x", userId: secretary, params: {} });
    expect(
      (await post("/dingtalk/card", buildCardCallbackRequest(notOurs, DINGTALK_CARD_SECRET))).body,
    ).toEqual({});
  });
});
