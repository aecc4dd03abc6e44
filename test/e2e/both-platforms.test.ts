/**
 * An organ on Feishu and DingTalk at once: one meeting, scheduled on Feishu, whose sign-in card goes to
 * the branch's chat on both; members sign in on either, each card counts them all, and the absentee
 * report reaches the secretary on both.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { databaseTargets } from "../support/databases.ts";

const START = new Date("2026-12-03T07:00:00Z");
const at = (minutes: number) => new Date(START.getTime() + minutes * 60_000);

describe.each(databaseTargets)("an organ on both platforms, $name", (target) => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness(target, {}, { platforms: ["feishu", "dingtalk"] });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("schedules on Feishu, signs in on both, and counts everyone on both cards", async () => {
    const feishu = h.on("feishu");
    const dingtalk = h.on("dingtalk");
    const feishuChat = await h.chatOf("bgs", "feishu");
    const dingtalkChat = await h.chatOf("bgs", "dingtalk");
    h.clock.now = new Date("2026-12-01T02:00:00Z");
    await feishu.say(
      await h.idOf("feishu", "1001"),
      feishuChat,
      "安排 支部党员大会 12月3日 15:00 三楼会议室",
    );
    const [meeting] = await h.db.db.select().from(schema.meetings);
    expect(meeting?.state).toBe("scheduled");

    await h.tick(at(-15));
    const feishuCard = feishu.messagesTo(feishuChat).find((m) => m.json.includes("签到："));
    const dingtalkCard = dingtalk.messagesTo(dingtalkChat).find((m) => m.json.includes("签到："));
    expect(feishuCard && dingtalkCard).toBeTruthy();

    h.clock.now = at(-5);
    const value = { action: "meeting.sign_in", meeting: meeting!.id };
    const onFeishu = await feishu.click(await h.idOf("feishu", "1002"), feishuCard!.messageId, value);
    const onDingTalk = await dingtalk.click(await h.idOf("dingtalk", "1003"), dingtalkCard!.messageId, value);
    // The same member on the other platform is the same member: already signed in.
    const twice = await dingtalk.click(await h.idOf("dingtalk", "1002"), dingtalkCard!.messageId, value);
    expect([onFeishu.toast, onDingTalk.toast]).toEqual(["签到成功。", "签到成功。"]);
    expect(twice.toast).toContain("已签到");
    await h.settle();

    const rows = await h.db.db
      .select()
      .from(schema.attendance)
      .where(eq(schema.attendance.meetingId, meeting!.id));
    expect(rows.filter((r) => r.status === "present")).toHaveLength(2);
    expect(feishu.patches().at(-1)?.json).toContain("已签到 **2**/应到 10");
    expect(dingtalk.patches().at(-1)?.json).toContain("已签到 **2**/应到 10");

    await h.tick(at(91));
    const secretaryOn = async (p: "feishu" | "dingtalk") =>
      h
        .on(p)
        .messagesTo(await h.idOf(p, "1001"))
        .filter((m) => m.json.includes("缺席情况"));
    expect(await secretaryOn("feishu")).toHaveLength(1);
    expect(await secretaryOn("dingtalk")).toHaveLength(1);
  });
});
