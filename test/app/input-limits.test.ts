/**
 * Every field people type is capped (src/domain/limits.ts): an oversize command, place, reason, branch
 * name or 第一议题 field is refused with a polite message naming the field and its limit, and nothing is
 * written — checked on the database, through the whole bot on the in-memory platform.
 */
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHAT_BIND_ACTION } from "../../src/app/views/bot-replies.ts";
import { MEETING_ACTIONS } from "../../src/app/views/meeting-cards.ts";
import { STUDY_ACTIONS } from "../../src/app/views/study-cards.ts";
import * as schema from "../../src/db/schema.ts";
import { TEXT_LIMITS } from "../../src/domain/limits.ts";
import type { MemoryMessage } from "../../src/platforms/memory/adapter.ts";
import { databaseTargets } from "../support/databases.ts";
import { type MemoryBot, startMemoryBot, textOf } from "../support/memory-bot.ts";

const ADMIN = "1007";
const SECRETARY = "1001";
const MEMBER = "1005";
const local = (text: string) => new Date(`${text}:00+08:00`);
const long = (n: number, unit = "长") => unit.repeat(n);

describe.each(databaseTargets)("oversize input is refused and nothing is written ($name)", (target) => {
  let b: MemoryBot;
  let confirmation: MemoryMessage;
  beforeAll(async () => {
    b = await startMemoryBot(target);
    b.clock.now = local("2026-11-23T09:00");
  });
  afterAll(async () => {
    await b?.close();
  });
  const last = async (who: { chat: string } | { member: string }) => (await b.inbox(who)).at(-1);

  /** Rows in every table a refused input could have written to (the refusal itself is an outbox reply). */
  async function rows() {
    const tables = {
      meetings: schema.meetings,
      attendance: schema.attendance,
      studyItems: schema.studyItems,
      records: schema.firstAgendaRecords,
      measures: schema.followUpMeasures,
      chats: schema.branchChats,
      audit: schema.auditLog,
    };
    const out: Record<string, number> = {};
    for (const [name, table] of Object.entries(tables)) {
      const [row] = await b.db.db.select({ n: count() }).from(table);
      out[name] = Number(row?.n ?? 0);
    }
    return out;
  }
  async function unchanged(act: () => Promise<unknown>) {
    const before = await rows();
    const result = await act();
    expect(await rows()).toEqual(before);
    return result;
  }

  it("第一议题 添加: a source over 100 characters, by command", async () => {
    await unchanged(() =>
      b.say(ADMIN, "p2p", `第一议题 添加 《关于推进党的自我革命的重要论述》 2026-11-16 ${long(101)}`),
    );
    expect(textOf(await last({ member: ADMIN }))).toBe("“来源”过长（101 字，最多 100 字），请精简后重试。");
  });

  it("第一议题 添加 form: a summary over 2,000 characters", async () => {
    await b.say(ADMIN, "p2p", "第一议题 添加");
    const form = await last({ member: ADMIN });
    const answer = await unchanged(() =>
      b.click(ADMIN, form as MemoryMessage, STUDY_ACTIONS.add, {
        title: "关于推进党的自我革命的重要论述",
        published_on: "2026-11-16",
        source: "《求是》",
        summary: long(2001),
      }),
    );
    expect(answer).toMatchObject({ toast: { type: "warning", text: expect.stringContaining("“摘要”过长") } });
    expect((answer as { toast: { text: string } }).toast.text).toContain("最多 2000 字");
    // Within the limits the same item goes in.
    await b.say(
      ADMIN,
      "p2p",
      "第一议题 添加 《关于推进党的自我革命的重要论述》 2026-11-16 《求是》 https://example.org/b",
    );
    expect(textOf(await last({ member: ADMIN }))).toContain("已添加");
  });

  it("安排: a place over 100 characters, and a command over 2,000", async () => {
    await unchanged(() =>
      b.say(SECRETARY, "bgs", `安排 支部委员会 11月25日 15:00 ${long(40, "三楼会议室")}`),
    );
    expect(textOf(await last({ chat: "bgs" }))).toBe("“会议地点”过长（200 字，最多 100 字），请精简后重试。");
    await unchanged(() => b.say(SECRETARY, "bgs", `安排 支部委员会 11月25日 15:00 ${long(2001)}`));
    expect(textOf(await last({ chat: "bgs" }))).toBe(
      // Counted after the command word: 支部委员会 11月25日 15:00 and a space are 19 more.
      `“指令内容”过长（2020 字，最多 ${TEXT_LIMITS.commandText.max} 字），请精简后重试。`,
    );
    await b.say(SECRETARY, "bgs", "安排 支部委员会 11月25日 15:00 三楼会议室");
    confirmation = (await last({ chat: "bgs" })) as MemoryMessage;
    expect(textOf(confirmation)).toContain("会议已安排");
  });

  it("the confirmation card's edit form: a place or a time over 100 characters", async () => {
    const place = await unchanged(() =>
      b.click(SECRETARY, confirmation, MEETING_ACTIONS.edit, { place: long(101) }),
    );
    expect(place).toEqual({
      toast: { type: "warning", text: "“会议地点”过长（101 字，最多 100 字），请精简后重试。" },
    });
    const time = await unchanged(() =>
      b.click(SECRETARY, confirmation, MEETING_ACTIONS.edit, { time: `11月26日 15:00${long(100)}` }),
    );
    expect(time).toMatchObject({
      toast: { type: "warning", text: expect.stringContaining("“会议时间”过长") },
    });
    expect(textOf(confirmation)).toContain("三楼会议室");
  });

  it("请假: a reason over 200 characters", async () => {
    const answer = await unchanged(() =>
      b.click(SECRETARY, confirmation, MEETING_ACTIONS.leave, { reason: long(201) }),
    );
    expect(answer).toEqual({
      toast: { type: "warning", text: "“请假事由”过长（201 字，最多 200 字），请精简后重试。" },
    });
  });

  it("登记第一议题学习: notes over 2,000 characters, or more than 20 measures", async () => {
    await b.tick(local("2026-11-25T14:45"));
    await b.tick(local("2026-11-25T16:31"));
    await b.tick(local("2026-11-25T16:32"));
    const record = (await b.inbox({ member: SECRETARY })).find((m) =>
      textOf(m).startsWith("登记第一议题学习"),
    ) as MemoryMessage;
    expect(record).toBeDefined();
    if (record.message.kind !== "card") throw new Error("record card expected");
    const form = record.message.card.blocks.find((x) => x.type === "form");
    const item =
      form?.type === "form" ? form.inputs.find((i) => i.name === "items")?.options?.[0] : undefined;
    const base = { items: [item?.value as string], led_by: "刘志强", form: "原文领学" };

    const notes = await unchanged(() =>
      b.click(SECRETARY, record, STUDY_ACTIONS.record, { ...base, notes: long(2001) }),
    );
    expect(notes).toEqual({
      toast: { type: "warning", text: "“研讨发言”过长（2001 字，最多 2000 字），请精简后重试。" },
    });
    const measures = Array.from({ length: 21 }, (_, i) => `${i + 1}. 措施${i + 1} — 徐红霞`).join("\n");
    const many = await unchanged(() =>
      b.click(SECRETARY, record, STUDY_ACTIONS.record, { ...base, measures }),
    );
    expect(many).toEqual({
      toast: {
        type: "warning",
        text: "“贯彻落实措施”最多填写 20 条（现有 21 条），请合并或精简后重试。",
      },
    });
    const leader = await unchanged(() =>
      b.click(SECRETARY, record, STUDY_ACTIONS.record, { ...base, led_by: long(51) }),
    );
    expect(leader).toMatchObject({
      toast: { text: expect.stringContaining("“领学人”过长（51 字，最多 50 字）") },
    });
    // Within the limits it is recorded.
    const ok = await b.click(SECRETARY, record, STUDY_ACTIONS.record, {
      ...base,
      measures: "制定学习计划 — 徐红霞",
    });
    expect(ok.toast?.type).toBe("success");
  });

  it("绑定: a branch name over 100 characters, by command and on the join card", async () => {
    await unchanged(() => b.say(SECRETARY, "bgs", `绑定 ${long(101)}`));
    expect(textOf(await last({ chat: "bgs" }))).toBe("“支部名称”过长（101 字，最多 100 字），请精简后重试。");
    await b.bot.sink.accept({
      type: "bot_added",
      platform: "feishu",
      eventId: "limits-join-1",
      chatId: "oc_new_chat",
      chatName: "新群",
    });
    await b.settle();
    const [card] = b.platform.to({ type: "chat", id: "oc_new_chat" });
    const answer = await unchanged(() =>
      b.click(SECRETARY, card as MemoryMessage, CHAT_BIND_ACTION, { branch: long(101) }),
    );
    expect(answer).toEqual({
      toast: { type: "warning", text: "“支部名称”过长（101 字，最多 100 字），请精简后重试。" },
    });
  });

  it("text that is no command is quoted briefly in the help card, not repeated whole", async () => {
    await b.say(MEMBER, "bgs", `今天开会吗${long(3000)}`);
    const help = textOf(await last({ chat: "bgs" }));
    expect(help).toContain(`没有识别“今天开会吗${long(25)}…”`);
    expect(help.length).toBeLessThan(2000);
  });
});
