/** 第一议题 添加 on its own opens a form card; submitting it adds the item like the typed command does. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { databaseTargets } from "../support/databases.ts";

const json = (m: { parsed: unknown } | undefined) => JSON.stringify(m?.parsed ?? null);
const toastOf = (r: { body: any }) => String(r.body?.toast?.content ?? "");
const ADMIN = "1007";
const P2P = "oc_p2p_study_form";
const form = {
  title: "在全国组织工作会议上的讲话",
  published_on: "2026-11-18",
  source: "新华社",
  link: "https://example.org/speech",
  summary: "",
  scope: "all",
};

describe.each(databaseTargets)("第一议题 form card on $name", (target) => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("opens the form for admins and adds the item from it, once", async () => {
    await h.say(await h.openIdOf(ADMIN), P2P, "第一议题 添加", "p2p");
    const card = h.fake.messagesTo(P2P).at(-1);
    expect(json(card)).toContain("添加第一议题学习材料");
    expect(json(card)).toContain("study.add");

    const bad = await h.click(
      await h.openIdOf(ADMIN),
      card!.messageId,
      { action: "study.add" },
      { ...form, published_on: "2026-13-01" },
    );
    expect(toastOf(bad)).toContain("发表日期");
    expect(await h.db.db.select().from(schema.studyItems)).toHaveLength(0);

    const notAdmin = await h.click(await h.openIdOf("1003"), card!.messageId, { action: "study.add" }, form);
    expect(toastOf(notAdmin)).toContain("只有机关党委工作人员");

    const ok = await h.click(await h.openIdOf(ADMIN), card!.messageId, { action: "study.add" }, form);
    expect(toastOf(ok)).toContain("已添加，正在通知 6 个支部");
    const again = await h.click(await h.openIdOf(ADMIN), card!.messageId, { action: "study.add" }, form);
    expect(toastOf(again)).toContain("已在学习材料库中");
    const items = await h.db.db.select().from(schema.studyItems);
    expect(items).toMatchObject([
      { title: form.title, source: "新华社", publishedOn: "2026-11-18", link: form.link, scope: "all" },
    ]);
  });
});
