/**
 * Meetings beyond one branch: a 党组会 scheduled by 机关党委 staff in a private chat, with its sign-in
 * cards sent to each attendee privately, and a 主题党日 scheduled for every branch at once.
 */
import { eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.ts";
import type { FakeMessage } from "../fakes/feishu-openapi.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { databaseTargets } from "../support/databases.ts";

const textOf = (m: FakeMessage | undefined) => (m?.parsed as { text?: string } | undefined)?.text ?? "";
const json = (m: { parsed: unknown } | undefined) => JSON.stringify(m?.parsed ?? null);
const toastOf = (r: { body: any }) => String(r.body?.toast?.content ?? "");

const ADMIN = "1007";
const SECRETARY = "1001";
const LEADERS = ["1005", "1015", "1025", "1035"]; // leading_group in examples/org.yaml
const P2P = "oc_p2p_admin_chat";

describe.each(databaseTargets)("organ-wide meetings on $name", (target) => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("only 机关党委 staff schedule a 党组会; its attendees come from the roster; a weekend is pointed out", async () => {
    await h.say(await h.openIdOf(SECRETARY), P2P, "安排 党组会 12月5日 9:00 党组会议室", "p2p");
    expect(textOf(h.fake.messagesTo(P2P).at(-1))).toContain("由机关党委工作人员安排");
    expect(await h.db.db.select().from(schema.meetings)).toHaveLength(0);

    await h.say(await h.openIdOf(ADMIN), P2P, "安排 党组会 12月5日 9:00 党组会议室", "p2p");
    const [meeting] = await h.db.db.select().from(schema.meetings).where(isNull(schema.meetings.branchId));
    expect(meeting).toMatchObject({ kind: "leading_group", place: "党组会议室" });
    const invitees = await h.db.db
      .select()
      .from(schema.meetingInvitees)
      .where(eq(schema.meetingInvitees.meetingId, meeting!.id));
    const leaderIds = await Promise.all(LEADERS.map((c) => h.memberIdOf(c)));
    expect(invitees.map((i) => i.memberId).sort()).toEqual([...leaderIds].sort());
    const card = json(h.fake.messagesTo(P2P).at(-1));
    expect(card).toContain("4 人");
    expect(card).toContain("注意：2026-12-05 是");
  });

  it("reminds each attendee privately the day before, except whoever has asked for leave", async () => {
    const [meeting] = await h.db.db.select().from(schema.meetings).where(isNull(schema.meetings.branchId));
    h.clock.now = new Date("2026-12-03T02:00:00Z");
    const leave = await h.click(
      await h.openIdOf(LEADERS[3]!),
      "om_confirmation",
      { action: "meeting.leave", meeting: meeting!.id },
      { reason: "赴省里开会" },
    );
    expect(toastOf(leave)).toContain("请假已登记");
    h.fake.reset();
    await h.tick(new Date("2026-12-04T08:00:00Z")); // 16:00 Beijing the day before
    for (const code of LEADERS.slice(0, 3)) {
      expect(
        h.fake
          .messagesTo(await h.openIdOf(code))
          .map(textOf)
          .join(),
        code,
      ).toContain("【会议提醒】党组会");
    }
    // (Leaders also hear from 联系点 in the same minutes; only the meeting's reminder is at issue.)
    const got = h.fake.messagesTo(await h.openIdOf(LEADERS[3]!)).map(textOf);
    expect(got.filter((t) => t.includes("【会议提醒】"))).toHaveLength(0);
  });

  it("sends the 党组会 sign-in card to each attendee privately, and takes their sign-in", async () => {
    h.fake.reset();
    await h.tick(new Date("2026-12-05T00:46:00Z")); // 08:46 Beijing
    for (const code of LEADERS) {
      const cards = h.fake.messagesTo(await h.openIdOf(code)).filter((m) => json(m).includes("签到："));
      expect(cards, code).toHaveLength(1);
    }
    const [meeting] = await h.db.db.select().from(schema.meetings).where(isNull(schema.meetings.branchId));
    const card = h.fake.messagesTo(await h.openIdOf(LEADERS[0]!)).find((m) => json(m).includes("签到："));
    const res = await h.click(await h.openIdOf(LEADERS[0]!), card!.messageId, {
      action: "meeting.sign_in",
      meeting: meeting!.id,
    });
    expect(toastOf(res)).toBe("签到成功。");
    await h.settle();
    // Every attendee's copy shows the new count.
    const patched = new Set(
      h.fake.patches.filter((p) => json(p).includes("已签到 **1**/应到 4")).map((p) => p.messageId),
    );
    expect(patched.size).toBe(4);
  });

  it("an admin schedules a 主题党日 for every branch at once; a secretary may not", async () => {
    h.fake.reset();
    await h.say(await h.openIdOf(SECRETARY), await h.chatOf("bgs"), "安排 全部支部 主题党日 12月10日 9:00");
    expect(textOf(h.fake.messagesTo(await h.chatOf("bgs")).at(-1))).toContain("只有机关党委工作人员");

    await h.say(await h.openIdOf(ADMIN), P2P, "安排 全部支部 主题党日 12月10日 9:00 各支部活动室", "p2p");
    const themeDays = await h.db.db
      .select()
      .from(schema.meetings)
      .where(eq(schema.meetings.kind, "theme_day"));
    expect(themeDays).toHaveLength(6);
    for (const code of ["bgs", "zhgh", "jjyx", "gdtz", "jggl", "ltx"]) {
      const confirmations = h.fake
        .messagesTo(await h.chatOf(code))
        .filter((m) => json(m).includes("会议已安排"));
      expect(confirmations, code).toHaveLength(1);
    }
    expect(textOf(h.fake.messagesTo(P2P).at(-1))).toContain("已为 6 个支部安排“主题党日”");
  });
});
