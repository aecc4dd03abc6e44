/**
 * 联系点 through signed and encrypted Feishu requests over real HTTP, the real SDK against the fake
 * Feishu OpenAPI, the real database and scheduler on a moved clock: the monthly card as Feishu JSON, the
 * form submitted as Feishu posts it, the 书记's note, and the problem answered back into the branch chat.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { databaseTargets } from "../support/databases.ts";

type Json = Record<string, any>;

const CAO = "1005"; // 曹芳 → 价格管理处党支部 (jggl)
const JGGL_SECRETARY = "1041"; // 孟梦琪

const local = (text: string) => new Date(`${text}:00+08:00`);
const toastOf = (r: { body: any }) => String(r.body?.toast?.content ?? "");

const cardsOf = (h: BotHarness, receiveId: string): Json[] =>
  h.fake
    .messagesTo(receiveId)
    .filter((m) => m.msgType === "interactive")
    .map((m) => ({ ...(m.parsed as Json), messageId: m.messageId }));
const textsOf = (h: BotHarness, receiveId: string): string[] =>
  h.fake
    .messagesTo(receiveId)
    .filter((m) => m.msgType === "text")
    .map((m) => (m.parsed as { text: string }).text);
const titleOf = (card: Json): string => card.header?.title?.content ?? "";

function findElement(card: Json, match: (e: Json) => boolean): Json | undefined {
  let found: Json | undefined;
  const walk = (node: unknown) => {
    if (found) return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    if (match(node as Json)) {
      found = node as Json;
      return;
    }
    for (const v of Object.values(node as Json)) walk(v);
  };
  walk(card.body);
  return found;
}

/** The form's submit button's callback value, as Feishu would send it back. */
function submitValue(card: Json): Record<string, string> {
  const submit = findElement(card, (e) => e.form_action_type === "submit");
  return submit?.behaviors?.[0]?.value as Record<string, string>;
}

describe.each(databaseTargets)(
  "联系点 over signed Feishu requests on $name",
  { timeout: 180_000 },
  (target) => {
    let h: BotHarness;
    beforeAll(async () => {
      h = await startBotHarness(target);
    });
    afterAll(async () => {
      await h?.close();
    });

    it("the card of 10月8日 is submitted as Feishu posts a form; the 书记 hears; the answer reaches the chat", async () => {
      await h.tick(local("2026-10-08 09:00"));
      const cao = await h.openIdOf(CAO);
      const [card] = cardsOf(h, cao).filter((c) => titleOf(c) === "2026年9月联系点情况：价格管理处党支部");
      expect(card).toBeDefined();
      const value = submitValue(card as Json);
      expect(value).toMatchObject({ action: "liaison.submit", month: "2026-09-01" });
      // Multi-select inputs come back as lists, text inputs as strings.
      const form = {
        methods: ["org_life", "lecture"],
        date_org_life: "9月10日",
        date_lecture: "9月28日",
        learned: "支部按期召开支部委员会和党员大会。",
        guidance: "抓好价格监测一线党员先锋岗建设。",
        problems: "1. 党员学习台账不完整\n2. 青年党员参加组织生活不够积极 @支部",
        no_contact: [],
      };
      h.clock.now = local("2026-10-09 10:00");
      const res = await h.click(cao, (card as Json).messageId, value, form);
      expect(res.status).toBe(200);
      expect(toastOf(res)).toBe("已提交，已告知支部书记，2 个问题已交负责方办理。");
      expect(JSON.stringify(res.body?.card)).toContain("已填报2026年9月联系点情况：价格管理处党支部");
      await h.settle();

      // 修改 on the summary Feishu now shows reopens the form, filled in; saving it is an edit.
      const summary = res.body?.card?.data as Json;
      const edit = findElement(
        summary,
        (e) => e.tag === "button" && JSON.stringify(e).includes("liaison.edit"),
      );
      const editValue = (edit?.behaviors?.[0]?.value ?? edit?.value) as Record<string, string>;
      expect(editValue).toMatchObject({ action: "liaison.edit", month: "2026-09-01" });
      const reopened = await h.click(cao, (card as Json).messageId, editValue);
      const formCard = reopened.body?.card?.data as Json;
      expect(titleOf(formCard)).toBe("修改2026年9月联系点情况（价格管理处党支部）");
      expect(JSON.stringify(formCard)).toContain("青年党员参加组织生活不够积极 @价格管理处党支部");
      const saved = await h.click(cao, (card as Json).messageId, submitValue(formCard), {
        ...form,
        guidance: "抓好价格监测一线党员先锋岗建设，每季度讲一次党课。",
      });
      expect(toastOf(saved)).toBe("已保存修改。");
      await h.settle();

      const [report] = await h.db.db.select().from(schema.liaisonReports);
      expect(report).toMatchObject({
        month: "2026-09-01",
        filedOn: "2026-10-09",
        guidance: "抓好价格监测一线党员先锋岗建设，每季度讲一次党课。",
      });
      expect(report?.contacts).toEqual([
        { method: "org_life", day: "2026-09-10" },
        { method: "lecture", day: "2026-09-28" },
      ]);
      const secretary = await h.openIdOf(JGGL_SECRETARY);
      expect(textsOf(h, secretary)).toContain(
        "曹芳已填报2026年9月对价格管理处党支部的联系点情况，反映问题 2 条，请留意问题办理卡片。",
      );
      const problemCards = cardsOf(h, secretary).filter((c) => titleOf(c).includes("请办理联系点反映的问题"));
      expect(problemCards).toHaveLength(2);

      const first = problemCards.find((c) => JSON.stringify(c).includes("党员学习台账不完整")) as Json;
      h.clock.now = local("2026-10-20 15:00");
      const solved = await h.click(secretary, first.messageId, submitValue(first), {
        status: "resolved",
        text: "已按季度补齐学习台账",
      });
      expect(toastOf(solved)).toBe("已标记为“已解决”，已告知反映人曹芳，已在支部群回复。");
      await h.settle();
      expect(textsOf(h, await h.chatOf("jggl"))).toContain(
        "【问题回音】曹芳在2026年9月联系点情况中反映的“党员学习台账不完整”已解决：已按季度补齐学习台账",
      );
      const [problem] = await h.db.db
        .select()
        .from(schema.liaisonProblems)
        .where(eq(schema.liaisonProblems.description, "党员学习台账不完整"));
      expect(problem).toMatchObject({ status: "resolved", resolvedOn: "2026-10-20" });
    });
  },
);
