/**
 * The whole life of a meeting as a branch lives it, on Feishu and on DingTalk alike: signed requests
 * as each platform signs them, the real clients against the fake OpenAPIs and the real scheduler:
 * schedule → reminders → sign-in card → a burst of 150 clicks (duplicates, outsiders, a stranger) →
 * leave → late sign-in → close → private follow-up → 会议记录 → Excel ledger.
 */

import { and, eq } from "drizzle-orm";
import readXlsxFile from "read-excel-file/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportMeetingLedger } from "../../src/app/export-ledger.ts";
import * as schema from "../../src/db/schema.ts";
import type { PlatformName } from "../../src/platforms/types.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { databaseTargets } from "../support/databases.ts";
import type { PlatformDriver, SentMessage, SentPatch } from "../support/platform-drivers.ts";

const textOf = (m: SentMessage | undefined) => m?.text ?? "";
const json = (m: SentMessage | SentPatch | undefined) => m?.json ?? "null";
const toastOf = (r: { toast: string }) => r.toast;

/**
 * What differs by platform: how often a live card may be patched (Feishu five times a second per card;
 * DingTalk once every 2 s, to spare its monthly quota — the clicker sees the new state in the answer).
 */
const PLATFORMS: { platform: PlatformName; patchesPerSecond: number }[] = [
  { platform: "feishu", patchesPerSecond: 5 },
  { platform: "dingtalk", patchesPerSecond: 1 },
];
const targets = PLATFORMS.flatMap((p) =>
  databaseTargets.map((target) => ({ ...p, target, db: target.name })),
);

// 办公室党支部 (bgs) in examples/org.yaml: 1001 书记 刘志强 … 1010; 1011+ belong to 综合规划处党支部.
const SECRETARY = "1001";
const MEMBER = "1005";
const ABSENT = "1007";
const ON_LEAVE = "1009";
const LATE = "1010";
const LEAVE_THEN_COMES = "1004";
const PUNCTUAL = ["1001", "1002", "1003", "1004", "1005", "1006", "1008"];
const OUTSIDERS = ["1011", "1012", "1013", "1014", "1015", "1016", "1017", "1018", "1019", "1020"];

// Thursday 3 December 2026, 15:00–16:30 in Beijing.
const START = new Date("2026-12-03T07:00:00Z");
const END = new Date("2026-12-03T08:30:00Z");
const at = (base: Date, minutes: number) => new Date(base.getTime() + minutes * 60_000);

describe.each(targets)(
  "a meeting's whole life on $platform, $db",
  ({ platform, patchesPerSecond, target }) => {
    let h: BotHarness;
    let p: PlatformDriver;
    let chat: string;
    let open: (code: string) => Promise<string>;
    let meetingId: string;
    let signInMessageId: string;

    beforeAll(async () => {
      h = await startBotHarness(target, {}, { platforms: [platform] });
      p = h.on(platform);
      chat = await h.chatOf("bgs", platform);
      open = (code) => h.idOf(platform, code);
    });
    afterAll(async () => {
      await h?.close();
    });

    const meetingRows = () => h.db.db.select().from(schema.meetings);
    /** The meeting's attendance rows of one member, by id or roster code. */
    const attendanceOfId = (memberId: string) =>
      h.db.db
        .select()
        .from(schema.attendance)
        .where(and(eq(schema.attendance.meetingId, meetingId), eq(schema.attendance.memberId, memberId)));
    const attendanceOf = async (code: string) => attendanceOfId(await h.memberIdOf(code));

    it("refuses a rank-and-file member and asks about an ambiguous time, creating nothing", async () => {
      await p.say(await open(MEMBER), chat, "安排 支部党员大会 12月3日 15:00 三楼会议室");
      expect(textOf(p.messagesTo(chat).at(-1))).toContain("只有本支部书记、副书记、委员");
      await p.say(await open(SECRETARY), chat, "安排 支部党员大会 明天 3点");
      expect(textOf(p.messagesTo(chat).at(-1))).toContain("上午 3 点还是下午 3 点");
      await p.say(await open(SECRETARY), chat, "安排 支部党员大会 11月20日 15:00");
      expect(textOf(p.messagesTo(chat).at(-1))).toContain("已经过去");
      expect(await meetingRows()).toHaveLength(0);
    });

    it("the secretary schedules in the branch chat and gets a confirmation card", async () => {
      p.reset();
      await p.say(await open(SECRETARY), chat, "安排 支部党员大会 12月3日 15:00 三楼会议室");
      const [meeting] = await meetingRows();
      expect(meeting).toMatchObject({
        kind: "general_assembly",
        state: "scheduled",
        place: "三楼会议室",
        startsAt: START,
        endsAt: END,
      });
      meetingId = meeting!.id;
      const invitees = await h.db.db
        .select()
        .from(schema.meetingInvitees)
        .where(eq(schema.meetingInvitees.meetingId, meetingId));
      expect(invitees).toHaveLength(10);
      const card = json(p.messagesTo(chat).at(-1));
      for (const part of [
        "会议已安排",
        "支部党员大会",
        "三楼会议室",
        "12月3日",
        "15:00",
        "10 人",
        "取消会议",
      ])
        expect(card).toContain(part);
      // Sent through the outbox, keyed by the command's event: a redelivered command never posts it twice.
      const sent = await h.db.db
        .select()
        .from(schema.outbox)
        .where(eq(schema.outbox.subject, `meeting-confirm:${meetingId}`));
      expect(sent.map((r) => [r.kind, r.state])).toEqual([["meeting.confirmation", "sent"]]);
    });

    it("reminds the chat the day before at 16:00 and an hour before, once each however often the scheduler ticks", async () => {
      p.reset();
      // Default lead times: 16:00 on the day before, and one hour before.
      await h.tick(new Date("2026-12-02T08:00:00Z"));
      await h.tick(new Date("2026-12-02T08:01:00Z"));
      const dayBefore = p.messagesTo(chat);
      expect(dayBefore).toHaveLength(1);
      expect(textOf(dayBefore[0])).toContain("支部党员大会");
      expect(textOf(dayBefore[0])).toContain("三楼会议室");
      await h.tick(at(START, -60));
      expect(p.messagesTo(chat)).toHaveLength(2);
    });

    it("posts the sign-in card before the start", async () => {
      p.reset();
      await h.tick(at(START, -15));
      const posted = p.messagesTo(chat).filter((m) => json(m).includes("签到："));
      expect(posted).toHaveLength(1);
      expect(json(posted[0])).toContain("已签到 **0**/应到 10");
      signInMessageId = posted[0]!.messageId;
      await h.tick(at(START, -14));
      expect(p.messagesTo(chat).filter((m) => json(m).includes("签到："))).toHaveLength(1);
    });

    it("records leave with its reason, and refuses leave without one", async () => {
      h.clock.now = at(START, -12);
      const noReason = await p.click(
        await open(ON_LEAVE),
        signInMessageId,
        { action: "meeting.leave", meeting: meetingId },
        { reason: " " },
      );
      expect(toastOf(noReason)).toContain("请填写请假事由");
      const leave = await p.click(
        await open(ON_LEAVE),
        signInMessageId,
        { action: "meeting.leave", meeting: meetingId },
        { reason: "赴外地调研" },
      );
      expect(toastOf(leave)).toContain("请假已登记");
      await p.click(
        await open(LEAVE_THEN_COMES),
        signInMessageId,
        { action: "meeting.leave", meeting: meetingId },
        { reason: "临时会议" },
      );
      await h.settle();
      const [row] = await attendanceOf(ON_LEAVE);
      expect(row).toMatchObject({ status: "leave", reason: "赴外地调研", source: "card" });
    });

    it("takes a burst of 150 clicks — duplicates, outsiders, a stranger — and records one row per member", async () => {
      p.reset();
      h.clock.now = at(START, -8);
      const clicks: Promise<{ status: number; toast: string; who: string }>[] = [];
      const click = (who: string, openId: string) =>
        clicks.push(
          p
            .click(openId, signInMessageId, { action: "meeting.sign_in", meeting: meetingId })
            .then((r) => ({ ...r, who })),
        );
      for (let round = 0; round < 12; round++)
        for (const code of PUNCTUAL.slice(0, 7)) click(code, await open(code));
      for (let round = 0; round < 6; round++) for (const code of OUTSIDERS) click(code, await open(code));
      for (let i = 0; i < 6; i++) click("stranger", p.stranger);
      expect(clicks).toHaveLength(150);
      const answers = await Promise.all(clicks);
      await h.settle();

      expect(answers.every((a) => a.status === 200)).toBe(true);
      for (const a of answers.filter((x) => OUTSIDERS.includes(x.who)))
        expect(toastOf(a)).toContain("不在本次会议的应到人员名单中");
      for (const a of answers.filter((x) => x.who === "stranger")) expect(toastOf(a)).toContain("名册");
      const members = answers.filter((x) => PUNCTUAL.includes(x.who));
      expect(members.filter((a) => toastOf(a) === "签到成功。")).toHaveLength(7);
      expect(members.filter((a) => toastOf(a).includes("已签到"))).toHaveLength(77);

      const rows = await h.db.db
        .select()
        .from(schema.attendance)
        .where(eq(schema.attendance.meetingId, meetingId));
      expect(rows.filter((r) => r.status === "present")).toHaveLength(7);
      expect(rows.filter((r) => r.status === "leave")).toHaveLength(1);
      // Present wins over an earlier leave request.
      const comesId = await h.memberIdOf(LEAVE_THEN_COMES);
      expect(rows.find((r) => r.memberId === comesId)).toMatchObject({ status: "present", reason: null });

      // The live card: coalesced (far fewer patches than clicks), never more than 5 a second, and right at the end.
      const patches = p.patches().filter((p) => p.messageId === signInMessageId);
      expect(patches.length).toBeGreaterThan(0);
      expect(patches.length).toBeLessThan(20);
      for (const x of patches)
        expect(patches.filter((q) => q.at >= x.at && q.at < x.at + 1000).length).toBeLessThanOrEqual(
          patchesPerSecond,
        );
      expect(json(patches.at(-1))).toContain("已签到 **7**/应到 10");
      expect(json(patches.at(-1))).toContain("请假 1");
    });

    it("marks a sign-in after the start as late", async () => {
      h.clock.now = at(START, 10);
      const late = await p.click(await open(LATE), signInMessageId, {
        action: "meeting.sign_in",
        meeting: meetingId,
      });
      expect(toastOf(late)).toBe("签到成功（迟到）。");
      await h.settle();
      const [row] = await attendanceOf(LATE);
      expect(row).toMatchObject({ status: "present", late: true });
      expect(json(p.patches().at(-1))).toContain("已签到 **8**/应到 10（其中迟到 1）");
    });

    it("lets only the committee end sign-in early", async () => {
      const res = await p.click(await open(MEMBER), signInMessageId, {
        action: "meeting.close",
        meeting: meetingId,
      });
      expect(toastOf(res)).toContain("只有本支部书记、副书记、委员或机关党委工作人员可以结束签到");
      const [meeting] = await meetingRows();
      expect(meeting?.state).toBe("scheduled");
    });

    it("closes at the end time: frozen card, absentee list privately to the secretary, the absentee's note held back 30 minutes", async () => {
      p.reset();
      await h.tick(at(END, 1));
      const [meeting] = await meetingRows();
      expect(meeting?.state).toBe("closed");
      const absentRow = await attendanceOf(ABSENT);
      expect(absentRow[0]).toMatchObject({ status: "absent", source: "system" });

      const frozen = p
        .patches()
        .filter((p) => p.messageId === signInMessageId)
        .at(-1);
      expect(json(frozen)).toContain("签到已结束");
      expect(json(frozen)).toContain("已签到 **8**/应到 10");
      expect(json(frozen)).not.toContain("meeting.sign_in");

      const [absentee] = await h.db.db.select().from(schema.members).where(eq(schema.members.code, ABSENT));
      const toSecretary = p.messagesTo(await open(SECRETARY));
      const report = toSecretary.find((m) => json(m).includes("缺席情况"));
      expect(report?.idType).toBe(p.privateIdType);
      expect(json(report)).toContain(absentee!.name);
      expect(json(report)).toContain("赴外地调研");
      expect(json(report)).toContain("会议结束 30 分钟后收到系统的缺席通知");
      // The automatic note waits, so the secretary's 一键提醒 can take its place.
      expect(p.messagesTo(await open(ABSENT))).toHaveLength(0);
      // Names of the absent never reach the group chat.
      for (const m of p.messagesTo(chat)) expect(json(m)).not.toContain(absentee!.name);
      for (const x of p.patches()) expect(json(x)).not.toContain(absentee!.name);

      // Closing again (a second tick, a late button) sends nothing more.
      const before = p.messages().length;
      await h.tick(at(END, 2));
      const again = await p.click(await open(SECRETARY), signInMessageId, {
        action: "meeting.close",
        meeting: meetingId,
      });
      expect(toastOf(again)).toContain("签到已经结束");
      expect(p.messages().length).toBe(before);
    });

    it("refuses sign-in after closing; the secretary's one-click reminder goes out once, instead of the automatic note", async () => {
      const late = await p.click(await open("1006"), signInMessageId, {
        action: "meeting.sign_in",
        meeting: meetingId,
      });
      expect(toastOf(late)).toContain("签到已结束");

      p.reset();
      const notAllowed = await p.click(await open(MEMBER), "om_report", {
        action: "meeting.remind_absentees",
        meeting: meetingId,
      });
      expect(toastOf(notAllowed)).toContain("只有本支部书记、副书记、委员或机关党委工作人员可以发送提醒");
      const remind = await p.click(await open(SECRETARY), "om_report", {
        action: "meeting.remind_absentees",
        meeting: meetingId,
      });
      expect(toastOf(remind)).toBe("正在私信提醒 1 位同志。");
      const twice = await p.click(await open(SECRETARY), "om_report", {
        action: "meeting.remind_absentees",
        meeting: meetingId,
      });
      expect(toastOf(twice)).toBe("已经提醒过了。");
      await h.tick(at(END, 5));
      await h.tick(at(END, 45));
      const reminders = p.messagesTo(await open(ABSENT));
      expect(reminders).toHaveLength(1);
      expect(textOf(reminders[0])).toContain("刘志强提醒您");
    });

    it("shows the quarter's meetings to the secretary (会议记录) but not to members", async () => {
      p.reset();
      await p.say(await open(SECRETARY), chat, "会议记录");
      const card = json(p.messagesTo(chat).at(-1));
      expect(card).toContain("会议记录：办公室党支部");
      expect(card).toContain("支部党员大会");
      expect(card).toContain("实到 8/10，请假 1，迟到 1");
      await p.say(await open(MEMBER), chat, "会议记录");
      expect(textOf(p.messagesTo(chat).at(-1))).toContain("仅限本支部书记");
    });

    it("exports the ledger an inspection reads", async () => {
      const { buffer } = await exportMeetingLedger(h.db.db, {
        branch: "bgs",
        from: "2026-12-01",
        to: "2026-12-31",
        timeZone: "Asia/Shanghai",
      });
      const [meetings, attendance] = await readXlsxFile(buffer);
      expect(meetings?.data[1]?.slice(2, 15)).toEqual([
        "支部党员大会",
        "支部党员大会",
        "2026-12-03",
        "15:00",
        "16:30",
        "三楼会议室",
        "已召开",
        10,
        8,
        1,
        1,
        1,
        "80%",
      ]);
      const statuses = attendance?.data.slice(1).map((r) => r[5]);
      expect(statuses?.filter((s) => s === "出席")).toHaveLength(8);
      expect(statuses?.filter((s) => s === "请假")).toHaveLength(1);
      expect(statuses?.filter((s) => s === "缺席")).toHaveLength(1);
    });

    it("after closing only the secretary corrects attendance (补签), and the change is audited", async () => {
      const absentId = await h.memberIdOf(ABSENT);
      const form = { member: absentId, status: "present", reason: "会前已向书记报告，迟到入场" };
      const refused = await p.click(
        await open(MEMBER),
        "om_report",
        { action: "meeting.correct", meeting: meetingId },
        form,
      );
      expect(toastOf(refused)).toContain("只有本支部书记、副书记、委员或机关党委工作人员可以更正考勤");
      const noReason = await p.click(
        await open(SECRETARY),
        "om_report",
        { action: "meeting.correct", meeting: meetingId },
        { ...form, status: "leave", reason: "" },
      );
      expect(toastOf(noReason)).toContain("事由");
      p.reset();
      const done = await p.click(
        await open(SECRETARY),
        "om_report",
        { action: "meeting.correct", meeting: meetingId },
        form,
      );
      expect(toastOf(done)).toContain("更正为“出席”");
      await h.settle();
      const [row] = await attendanceOfId(absentId);
      expect(row).toMatchObject({
        status: "present",
        source: "correction",
        recordedBy: await h.memberIdOf(SECRETARY),
      });
      const audit = await h.db.db
        .select()
        .from(schema.auditLog)
        .where(eq(schema.auditLog.action, "correct-attendance"));
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actorId: await h.memberIdOf(SECRETARY),
        before: { status: "absent" },
        after: { status: "present" },
      });
      expect(json(p.patches().at(-1))).toContain("已签到 **9**/应到 10");
    });
  },
);
