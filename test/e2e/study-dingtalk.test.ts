/**
 * 第一议题 on DingTalk, through the generic card template: an admin adds an item in chat, every branch
 * chat gets the notice card, the meeting closes, the secretary privately gets the record card (its
 * form as the template's `s{i}_form` loop) and submits it the way DingTalk posts a template form back:
 * the fields with the user's input written into default_*. The record is stored once.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { databaseTargets } from "../support/databases.ts";

type Json = Record<string, any>;
const local = (text: string) => new Date(`${text}:00+08:00`);
const ADMIN = "1007";
const SECRETARY = "1001";
const ITEM = {
  title: "在全面加强机关党的建设工作会议上的重要讲话",
  source: "新华社",
  publishedOn: "2026-11-20",
  link: "https://www.news.cn/politics/20261120/example-a.html",
};

describe.each(databaseTargets)("第一议题 on DingTalk, $name", { timeout: 180_000 }, (target) => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness(target, {}, { platforms: ["dingtalk"] });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("add → notice cards → meeting → close → record card privately → submitted once", async () => {
    const d = h.on("dingtalk");
    const chat = await h.chatOf("bgs", "dingtalk");
    h.clock.now = local("2026-11-23T09:00");
    await d.say(
      await h.idOf("dingtalk", ADMIN),
      chat,
      `第一议题 添加 《${ITEM.title}》 ${ITEM.publishedOn} ${ITEM.source} ${ITEM.link}`,
    );
    expect(d.messagesTo(chat).at(-1)?.text).toContain(`已添加《${ITEM.title}》`);
    const [item] = await h.db.db.select().from(schema.studyItems);
    await h.tick(local("2026-11-23T09:01"));
    const notices = [...h.dingtalk.cards.values()].filter((c) => c.data.title?.includes("第一议题"));
    // One notice card per branch chat bound on DingTalk (the example organ binds six).
    expect(new Set(notices.map((c) => c.request.openSpaceId)).size).toBe(6);

    h.clock.now = local("2026-11-23T11:00");
    await d.say(await h.idOf("dingtalk", SECRETARY), chat, "安排 支部委员会 11月25日 15:00 三楼会议室");
    await h.tick(local("2026-11-25T15:00"));
    await h.tick(local("2026-11-25T16:31"));
    const [meeting] = await h.db.db.select().from(schema.meetings);
    expect(meeting?.state).toBe("closed");

    const secretary = await h.idOf("dingtalk", SECRETARY);
    const record = [...h.dingtalk.cards.values()].find(
      (c) => c.data.title?.startsWith("登记第一议题学习") && c.request.openSpaceId.endsWith(secretary),
    );
    expect(record?.request.openSpaceId).toBe(`dtv1.card//IM_ROBOT.${secretary}`);
    const slot = [1, 2, 3, 4, 5, 6].find((i) => record?.data[`s${i}_show_form`] === "true");
    expect(slot).toBeDefined();
    const fields = JSON.parse(record!.data[`s${slot}_form`]!) as Json[];
    const action = record!.data[`s${slot}_submit_action`]!;
    expect(JSON.parse(action)).toMatchObject({ action: "study.record" });

    // What the member fills in, written back into the loop items as the template's inputs do.
    const filled = fields.map((f) => {
      const pick = (label: string) => f.options.findIndex((o: Json) => o.text.zh_CN.includes(label));
      if (f.name === "items") return { ...f, default_number_array: [pick(ITEM.title.slice(0, 8))] };
      if (f.name === "led_by")
        return f.type === "TEXT"
          ? { ...f, default_string: "刘志强" }
          : { ...f, default_number: pick("刘志强") };
      if (f.name === "form") return { ...f, default_number: 0 };
      if (f.name === "notes")
        return { ...f, default_string: "徐红霞：要把学习成果转化为推动工作的实际成效。" };
      if (f.name === "measures") return { ...f, default_string: "1. 制定支部专题学习计划 — 徐红霞" };
      return f;
    });
    const submit = () =>
      d.click(secretary, record!.outTrackId, JSON.parse(action), { form: JSON.stringify(filled) } as never);
    const answer = await submit();
    expect(answer.status).toBe(200);
    expect(answer.toast).toContain("已登记 1 项");
    // The clicker's card changes at once, from the answer itself.
    expect(JSON.stringify(answer.body.cardData.cardParamMap)).toContain("已登记第一议题");
    const again = await submit();
    expect(again.toast).toBe("本次会议已登记过这些材料。");
    await h.settle();

    const records = await h.db.db
      .select()
      .from(schema.firstAgendaRecords)
      .where(eq(schema.firstAgendaRecords.meetingId, meeting!.id));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ studyItemId: item!.id, recordedBy: await h.memberIdOf(SECRETARY) });
    expect(records[0]?.notes).toContain("转化为推动工作的实际成效");
    expect(await h.db.db.select().from(schema.followUpMeasures)).toHaveLength(1);
  });
});
