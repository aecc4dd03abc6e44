/**
 * The meeting use cases on the in-memory platform: what the branch chat, the secretary, a member and an
 * absentee each see (CardView and text, no platform JSON), with buttons pressed by their action name.
 * The Feishu end-to-end tests (test/e2e) cover the same life through the Feishu adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEETING_ACTIONS } from "../../src/app/views/meeting-cards.ts";
import { cardActions, type MemoryMessage } from "../../src/platforms/memory/adapter.ts";
import type { ActionValue, CardView } from "../../src/platforms/types.ts";
import { databaseTargets } from "../support/databases.ts";
import { type MemoryBot, startMemoryBot, textOf } from "../support/memory-bot.ts";

const SECRETARY = "1001";
const MEMBER = "1005";
const ABSENT = "1007";
const ON_LEAVE = "1009";
const PRESENT = ["1001", "1002", "1003", "1004", "1005", "1006", "1008", "1010"];
const OUTSIDER = "1011";
// Thursday 3 December 2026, 15:00–16:30 in Beijing.
const START = new Date("2026-12-03T07:00:00Z");
const END = new Date("2026-12-03T08:30:00Z");
const at = (base: Date, minutes: number) => new Date(base.getTime() + minutes * 60_000);

describe.each(databaseTargets)("meeting use cases on the in-memory platform ($name)", (target) => {
  let b: MemoryBot;
  let signInCard: MemoryMessage;
  let confirmationCard: MemoryMessage;
  let leaveButton: ActionValue;
  beforeAll(async () => {
    b = await startMemoryBot(target);
  });
  afterAll(async () => {
    await b?.close();
  });
  const last = async (who: { chat: string } | { member: string }) => (await b.inbox(who)).at(-1);

  it("a member may not schedule; the secretary gets a confirmation card with edit and cancel", async () => {
    await b.say(MEMBER, "bgs", "安排 支部党员大会 12月3日 15:00 三楼会议室");
    expect(textOf(await last({ chat: "bgs" }))).toContain("只有本支部书记、副书记、委员");
    await b.say(SECRETARY, "bgs", "安排 支部党员大会 12月3日 15:00 三楼会议室");
    const confirmation = await last({ chat: "bgs" });
    const text = textOf(confirmation);
    for (const part of [
      "会议已安排",
      "支部党员大会",
      "三楼会议室",
      "12月3日",
      "15:00",
      "10 人",
      "[取消会议]",
      "会前一天 16:00、开始前 1 小时在群内提醒；开始前 15 分钟在群内发送签到卡片。",
    ])
      expect(text).toContain(part);
    confirmationCard = confirmation as MemoryMessage;
    leaveButton = cardActions((confirmationCard.message as { card: CardView }).card).find(
      (a) => a.value.action === MEETING_ACTIONS.leave,
    )?.value as ActionValue;
  });

  it("promises only what will happen for a meeting at short notice", async () => {
    const start = b.clock.now;
    b.clock.now = new Date("2026-11-23T06:40:00Z"); // Monday 14:40, for a meeting at 15:00 the same day
    await b.say(SECRETARY, "bgs", "安排 支部委员会 11月23日 15:00");
    const text = textOf(await last({ chat: "bgs" }));
    expect(text).toContain("不再发送会前提醒；开始前 15 分钟在群内发送签到卡片。");
    expect(text).not.toContain("会前一天");
    await b.say(SECRETARY, "bgs", "安排 支部委员会 11月23日 14:50");
    expect(textOf(await last({ chat: "bgs" }))).toContain("一分钟内在群内发送签到卡片");
    // As promised, no reminder follows the card; the sign-in card does, and names the kind once.
    const before = (await b.inbox({ chat: "bgs" })).length;
    await b.tick(b.clock.now);
    const after = (await b.inbox({ chat: "bgs" })).slice(before);
    expect(after.filter((m) => textOf(m).startsWith("【会议提醒】"))).toHaveLength(0);
    expect(after.filter((m) => textOf(m).includes("签到：支部委员会"))).toHaveLength(1);
    for (const m of await b.inbox({ chat: "bgs" }))
      expect(textOf(m)).not.toContain("支部委员会「支部委员会」");
    b.clock.now = start;
  });

  it("reminds the chat the day before and an hour before, then posts the sign-in card", async () => {
    const before = (await b.inbox({ chat: "bgs" })).length;
    await b.tick(new Date("2026-12-02T08:00:00Z"));
    await b.tick(at(START, -60));
    const reminders = (await b.inbox({ chat: "bgs" })).slice(before);
    expect(reminders).toHaveLength(2);
    for (const r of reminders) expect(textOf(r)).toContain("三楼会议室");
    await b.tick(at(START, -15));
    const card = (await b.inbox({ chat: "bgs" })).find((m) => textOf(m).includes("签到："));
    expect(card).toBeDefined();
    signInCard = card as MemoryMessage;
    expect(textOf(signInCard)).toContain("已签到 **0**/应到 10");
  });

  it("signs members in, refuses an outsider, records leave with its reason; the live card counts", async () => {
    b.clock.now = at(START, -10);
    const leave = await b.click(ON_LEAVE, signInCard, MEETING_ACTIONS.leave, { reason: "赴外地调研" });
    expect(leave.toast?.text).toBe("请假已登记，正在私信告知支部书记。");
    // What it says is true: the secretary has it now, not at the close.
    const notice = await last({ member: SECRETARY });
    expect(textOf(notice)).toMatch(/^【请假】.+请假，不参加支部党员大会（.+）。事由：赴外地调研$/);
    const repeated = await b.click(ON_LEAVE, signInCard, MEETING_ACTIONS.leave, { reason: "赴外地调研" });
    expect(repeated.toast?.text).toBe("已收到您的请假。");
    expect(
      (await b.inbox({ member: SECRETARY })).filter((m) => textOf(m).startsWith("【请假】")),
    ).toHaveLength(1);
    const outsider = await b.click(OUTSIDER, signInCard, MEETING_ACTIONS.signIn);
    expect(outsider.toast?.text).toContain("不在本次会议的应到人员名单中");
    for (const code of PRESENT) {
      const answer = await b.click(code, signInCard, MEETING_ACTIONS.signIn);
      expect(answer.toast).toMatchObject({ type: "success", text: "签到成功。" });
    }
    const again = await b.click(PRESENT[0] as string, signInCard, MEETING_ACTIONS.signIn);
    expect(again.toast?.text).toContain("已签到");
    expect(signInCard.updates).toBeGreaterThan(0);
    expect(textOf(signInCard)).toContain("已签到 **8**/应到 10");
    expect(textOf(signInCard)).toContain("请假 1");
  });

  it("closes at the end time: frozen cards, absentees privately to the secretary, one message to the absentee", async () => {
    await b.tick(at(END, 1));
    expect(textOf(signInCard)).toContain("签到已结束");
    expect(textOf(signInCard)).not.toContain("[签到]");
    // The confirmation card no longer offers leave or changes, and a late click on it says why.
    expect(textOf(confirmationCard)).toContain("已结束");
    expect(textOf(confirmationCard)).not.toContain("[请假]");
    const lateLeave = await b.click(
      MEMBER,
      confirmationCard,
      MEETING_ACTIONS.leave,
      { reason: "出差" },
      { stale: leaveButton },
    );
    expect(lateLeave.toast?.text).toContain("会议已结束，不能再请假");
    expect(lateLeave.toast?.text).not.toContain("补签");
    const report = (await b.inbox({ member: SECRETARY })).find((m) =>
      textOf(m).includes("缺席情况：支部党员大会"),
    );
    expect(report).toBeDefined();
    expect(textOf(report)).toContain("丁明辉");
    expect(textOf(report)).toContain("赴外地调研");
    for (const m of await b.inbox({ chat: "bgs" })) expect(textOf(m)).not.toContain("丁明辉");

    // Nobody pressed 一键提醒: the automatic note goes out 30 minutes after the close, once.
    const aboutThis = async () =>
      (await b.inbox({ member: ABSENT })).filter((m) => textOf(m).includes("支部党员大会"));
    expect(await aboutThis()).toHaveLength(0);
    await b.tick(at(END, 31));
    await b.tick(at(END, 32));
    const notes = await aboutThis();
    expect(notes).toHaveLength(1);
    expect(textOf(notes[0])).toContain("您未参加");

    const remind = await b.click(SECRETARY, report as MemoryMessage, MEETING_ACTIONS.remindAbsentees);
    expect(remind.toast?.text).toBe("正在私信提醒 1 位同志。");
    expect(
      (await b.click(SECRETARY, report as MemoryMessage, MEETING_ACTIONS.remindAbsentees)).toast?.text,
    ).toBe("已经提醒过了。");
  });

  it("shows 会议记录 to the secretary, not to a member", async () => {
    await b.say(SECRETARY, "bgs", "会议记录");
    const ledger = textOf(await last({ chat: "bgs" }));
    expect(ledger).toContain("会议记录：办公室党支部");
    expect(ledger).toContain("实到 8/10，请假 1");
    await b.say(MEMBER, "bgs", "会议记录");
    expect(textOf(await last({ chat: "bgs" }))).toContain("仅限本支部书记");
  });

  it("answers 帮助 with every feature's commands, and anything else with help too", async () => {
    await b.say(MEMBER, "bgs", "帮助");
    const help = textOf(await last({ chat: "bgs" }));
    for (const usage of b.bot.commands.map((c) => c.usage)) expect(help).toContain(usage);
    await b.say(MEMBER, "bgs", "今天开会吗");
    expect(textOf(await last({ chat: "bgs" }))).toContain("没有识别“今天开会吗”");
  });
});
