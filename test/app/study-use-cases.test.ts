/**
 * 第一议题 use cases on the in-memory platform: the notice every branch chat sees, the pending items on
 * the meeting's cards, the record card the secretary gets privately at close and its form, and the
 * statuses — read as CardView, with the form submitted by its action name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STUDY_ACTIONS } from "../../src/app/views/study-cards.ts";
import { databaseTargets } from "../support/databases.ts";
import { type MemoryBot, startMemoryBot, textOf } from "../support/memory-bot.ts";

const ADMIN = "1007";
const SECRETARY = "1001";
const MEMBER = "1009";
const local = (text: string) => new Date(`${text}:00+08:00`);

describe.each(databaseTargets)("第一议题 use cases on the in-memory platform ($name)", (target) => {
  let b: MemoryBot;
  beforeAll(async () => {
    b = await startMemoryBot(target);
  });
  afterAll(async () => {
    await b?.close();
  });
  const last = async (who: { chat: string } | { member: string }) => (await b.inbox(who)).at(-1);

  it("an admin adds an item; every branch chat gets the notice; a member may not add", async () => {
    b.clock.now = local("2026-11-23T09:00");
    await b.say(
      ADMIN,
      "p2p",
      "第一议题 添加 《关于推进党的自我革命的重要论述》 2026-11-16 《求是》 https://example.org/b",
    );
    expect(textOf(await last({ member: ADMIN }))).toContain("正在通知 6 个支部群");
    await b.tick(local("2026-11-23T09:01"));
    for (const branch of ["bgs", "zhgh"]) {
      const notice = await last({ chat: branch });
      expect(textOf(notice)).toContain("第一议题：新的学习材料");
      expect(textOf(notice)).toContain("《关于推进党的自我革命的重要论述》");
    }
    await b.say(MEMBER, "bgs", "第一议题 添加 《不该添加》 2026-11-21 新华社 https://example.org/x");
    expect(textOf(await last({ chat: "bgs" }))).toBe("只有机关党委工作人员可以添加第一议题学习材料。");
  });

  it("the branch's status lists the pending item; the meeting's cards name it", async () => {
    await b.say(MEMBER, "bgs", "第一议题");
    expect(textOf(await last({ chat: "bgs" }))).toContain("《关于推进党的自我革命的重要论述》");
    await b.say(SECRETARY, "bgs", "安排 支部委员会 11月25日 15:00 三楼会议室");
    expect(textOf(await last({ chat: "bgs" }))).toContain("《关于推进党的自我革命的重要论述》");
  });

  it("at close the secretary privately gets the record card; submitting it records the study", async () => {
    await b.tick(local("2026-11-25T14:45"));
    await b.tick(local("2026-11-25T16:31"));
    await b.tick(local("2026-11-25T16:32"));
    const record = (await b.inbox({ member: SECRETARY })).find((m) =>
      textOf(m).startsWith("登记第一议题学习"),
    );
    expect(record).toBeDefined();
    for (const m of await b.inbox({ chat: "bgs" })) expect(textOf(m)).not.toMatch(/^登记第一议题学习/);
    if (record?.message.kind !== "card") throw new Error("record card expected");
    const form = record.message.card.blocks.find((x) => x.type === "form");
    const items = form?.type === "form" ? form.inputs.find((i) => i.name === "items") : undefined;
    expect(items?.options?.map((o) => o.label.includes("自我革命"))).toEqual([true]);

    const missingLeader = await b.click(SECRETARY, record, STUDY_ACTIONS.record, {
      items: [items?.options?.[0]?.value as string],
    });
    expect(missingLeader.toast?.text).toBe("请填写领学人。");
    const answer = await b.click(SECRETARY, record, STUDY_ACTIONS.record, {
      items: [items?.options?.[0]?.value as string],
      led_by: "刘志强",
      form: "原文领学",
      measures: "1. 制定支部专题学习计划 — 徐红霞",
    });
    expect(answer.toast).toEqual({ type: "success", text: "已登记 1 项第一议题学习。" });
    expect(textOf(record)).toContain("已登记第一议题");
  });

  it("the branch has nothing pending now; the admin's overview counts the branches", async () => {
    await b.say(MEMBER, "bgs", "第一议题");
    expect(textOf(await last({ chat: "bgs" }))).not.toContain("待学习：《关于推进党的自我革命");
    await b.say(ADMIN, "p2p", "第一议题 情况");
    expect(textOf(await last({ member: ADMIN }))).toContain("1/6 个支部已学");
    await b.say(MEMBER, "p2p", "第一议题 情况");
    expect(textOf(await last({ member: MEMBER }))).toBe("各支部第一议题情况仅限机关党委工作人员查看。");
  });
});
