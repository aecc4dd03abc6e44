/**
 * 第一议题 end to end: signed and encrypted Feishu requests over real HTTP, the real database, the real
 * SDK against the fake Feishu OpenAPI, and the real scheduler on a clock the test moves. Every check
 * reads what the bot wrote (database rows) or what it sent (the fake's recorded messages).
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import readXlsxFile from "read-excel-file/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportMeetingLedger } from "../../src/app/export-ledger.ts";
import * as schema from "../../src/db/schema.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { databaseTargets } from "../support/databases.ts";

type Json = Record<string, any>;

const ADMIN = "1007";
const ADMIN_2 = "1008";
const BGS_SECRETARY = "1001";
const BGS_COMMITTEE = "1003";
const BGS_MEMBER = "1009";
const ZHGH_SECRETARY = "1011";
const JJYX_SECRETARY = "1021";

/** An instant given as Beijing local time. */
const local = (text: string) => new Date(`${text}:00+08:00`);

const ITEM_A = {
  title: "在全面加强机关党的建设工作会议上的重要讲话",
  source: "新华社",
  publishedOn: "2026-11-20",
  link: "https://www.news.cn/politics/20261120/example-a.html",
};
const ITEM_B = {
  title: "关于推进党的自我革命的重要论述",
  source: "《求是》",
  publishedOn: "2026-11-16",
  link: "https://www.qstheory.cn/20261116/example-b.html",
};

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
/** Every markdown line of a card (forms included), for reading what a person sees. */
function markdownOf(card: Json): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const n = node as Json;
    if (n.tag === "markdown" && typeof n.content === "string") out.push(n.content);
    for (const v of Object.values(n)) walk(v);
  };
  walk(card.body);
  return out.join("\n");
}
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

async function branchChatIds(h: BotHarness): Promise<Map<string, string>> {
  const rows = await h.db.db
    .select({ chatId: schema.branchChats.chatId, name: schema.branches.name })
    .from(schema.branchChats)
    .innerJoin(schema.branches, eq(schema.branches.id, schema.branchChats.branchId))
    .where(
      and(
        eq(schema.branchChats.platform, "feishu"),
        eq(schema.branches.kind, "branch"),
        eq(schema.branches.active, true),
      ),
    );
  return new Map(rows.map((r) => [r.chatId, r.name]));
}

async function itemRows(h: BotHarness, title: string) {
  return h.db.db.select().from(schema.studyItems).where(eq(schema.studyItems.title, title));
}

/** Outbox rows of one kind for Feishu (branch chats bound on DingTalk too get rows that wait for it). */
async function outboxOfKind(h: BotHarness, kind: string) {
  return h.db.db
    .select()
    .from(schema.outbox)
    .where(and(eq(schema.outbox.kind, kind), eq(schema.outbox.platform, "feishu")));
}

/** Submits the record card's form the way Feishu posts it, with the card's own callback value. */
async function submitRecord(
  h: BotHarness,
  who: string,
  card: Json,
  form: Record<string, string | string[]>,
): Promise<{ status: number; body: any }> {
  const submit = findElement(card, (e) => e.form_action_type === "submit");
  const value = submit?.behaviors?.[0]?.value as Record<string, string>;
  expect(value).toMatchObject({ action: "study.record" });
  return h.click(await h.openIdOf(who), card.messageId, value, form);
}

describe.each(databaseTargets)("第一议题 end to end on $name", { timeout: 180_000 }, (target) => {
  describe("add → notices → reminders → close → record → studied", () => {
    let h: BotHarness;
    let bgsChat: string;
    beforeAll(async () => {
      h = await startBotHarness(target);
      bgsChat = await h.chatOf("bgs");
    });
    afterAll(async () => {
      await h?.close();
    });

    it("an admin adds items in chat and every branch chat receives a notice card", async () => {
      h.clock.now = local("2026-11-23T09:00"); // Monday
      await h.say(
        await h.openIdOf(ADMIN),
        bgsChat,
        `第一议题 添加 《${ITEM_A.title}》 ${ITEM_A.publishedOn} ${ITEM_A.source} ${ITEM_A.link}`,
      );
      const chats = await branchChatIds(h);
      expect(chats.size).toBe(6);
      expect(textsOf(h, bgsChat).at(-1)).toBe(
        `已添加《${ITEM_A.title}》（新华社，2026-11-20），正在通知 6 个支部群。`,
      );
      // The second admin adds an older item from a one-to-one chat.
      await h.say(
        await h.openIdOf(ADMIN_2),
        "oc_p2p_admin2",
        `第一议题 添加 《${ITEM_B.title}》 2026年11月16日 ${ITEM_B.source} ${ITEM_B.link}`,
        "p2p",
      );
      expect(textsOf(h, "oc_p2p_admin2").at(-1)).toContain(`已添加《${ITEM_B.title}》`);

      const [a] = await itemRows(h, ITEM_A.title);
      expect(a).toMatchObject({
        source: "新华社",
        publishedOn: "2026-11-20",
        link: ITEM_A.link,
        scope: "all",
        addedBy: await h.memberIdOf(ADMIN),
      });
      const [b] = await itemRows(h, ITEM_B.title);
      expect(b).toMatchObject({
        source: "《求是》",
        publishedOn: "2026-11-16",
        addedBy: await h.memberIdOf(ADMIN_2),
      });

      // The notices go out through the outbox as soon as the command is handled, not at the next tick;
      // ticking again sends nothing twice.
      await h.tick(local("2026-11-23T09:00"));
      await h.tick(local("2026-11-23T09:01")); // two notices per chat, one second apart at least
      for (const chat of chats.keys()) {
        const notices = cardsOf(h, chat).filter((c) => titleOf(c) === "第一议题：新的学习材料");
        expect(notices, chats.get(chat)).toHaveLength(2);
        const text = notices.map((c) => JSON.stringify(c)).join("\n");
        expect(text).toContain(`《${ITEM_A.title}》`);
        expect(text).toContain(`《${ITEM_B.title}》`);
        expect(text).toContain(ITEM_A.link);
        expect(text).toContain("将作为下次会议第一议题");
      }
      const rows = await outboxOfKind(h, "study.notice");
      expect(rows).toHaveLength(12);
      expect(rows.every((r) => r.state === "sent")).toBe(true);
    });

    it("the same item added twice is refused with a clear message and written once", async () => {
      h.clock.now = local("2026-11-23T10:00");
      await h.say(
        await h.openIdOf(ADMIN_2),
        bgsChat,
        `第一议题 添加 《${ITEM_A.title}》 2026-11-20 人民日报 https://example.org/other`,
      );
      expect(textsOf(h, bgsChat).at(-1)).toBe(
        `《${ITEM_A.title}》（2026-11-20）已在学习材料库中，未重复添加。`,
      );
      expect(await itemRows(h, ITEM_A.title)).toHaveLength(1);
      expect((await itemRows(h, ITEM_A.title))[0]?.source).toBe("新华社");
      await h.tick(local("2026-11-23T10:00"));
      expect(await outboxOfKind(h, "study.notice")).toHaveLength(12);
      const notices = cardsOf(h, bgsChat).filter((c) => titleOf(c) === "第一议题：新的学习材料");
      expect(notices).toHaveLength(2);
    });

    it("a member who is not 机关党委 staff cannot add, and nothing is written", async () => {
      h.clock.now = local("2026-11-23T10:30");
      const auditBefore = await h.db.db
        .select()
        .from(schema.auditLog)
        .where(eq(schema.auditLog.entity, "study_item"));
      expect(auditBefore).toHaveLength(2);
      await h.say(
        await h.openIdOf(BGS_COMMITTEE),
        bgsChat,
        "第一议题 添加 《某篇不该被添加的文章》 2026-11-21 新华社 https://example.org/x",
      );
      expect(textsOf(h, bgsChat).at(-1)).toBe("只有机关党委工作人员可以添加第一议题学习材料。");
      expect(await h.db.db.select().from(schema.studyItems)).toHaveLength(2);
      expect(
        await h.db.db.select().from(schema.auditLog).where(eq(schema.auditLog.entity, "study_item")),
      ).toHaveLength(2);
      await h.tick(local("2026-11-23T10:30"));
      expect(await outboxOfKind(h, "study.notice")).toHaveLength(12);
    });

    it("the meeting's confirmation, reminders and sign-in card name the pending items, oldest first", async () => {
      h.clock.now = local("2026-11-23T11:00");
      await h.say(await h.openIdOf(BGS_SECRETARY), bgsChat, "安排 支部委员会 11月25日 15:00 三楼会议室");
      const confirmation = cardsOf(h, bgsChat).find((c) => titleOf(c).startsWith("会议已安排"));
      expect(confirmation).toBeDefined();
      const confirmText = markdownOf(confirmation as Json);
      expect(confirmText.indexOf(ITEM_B.title)).toBeGreaterThan(-1);
      expect(confirmText.indexOf(ITEM_B.title)).toBeLessThan(confirmText.indexOf(ITEM_A.title));

      // The day before (at the configured lead or time of day) and an hour before: whatever the
      // reminder settings, every reminder of this meeting names both items, the older first.
      const reminders = () => textsOf(h, bgsChat).filter((t) => t.startsWith("【会议提醒】"));
      for (const at of ["2026-11-24T14:50", "2026-11-24T15:00", "2026-11-24T15:40", "2026-11-24T16:00"]) {
        await h.tick(local(at));
      }
      const dayBefore = reminders();
      expect(dayBefore.length).toBeGreaterThan(0);
      await h.tick(local("2026-11-25T14:00"));
      const all = reminders();
      expect(all.length).toBeGreaterThan(dayBefore.length);
      for (const text of all) {
        expect(text).toMatch(/^【会议提醒】支部委员会将于 11月25日周三 15:00 开始，地点：三楼会议室。\n/);
        expect(text.split("\n")[1]).toBe(
          `第一议题：《${ITEM_B.title}》（《求是》，2026-11-16）、《${ITEM_A.title}》（新华社，2026-11-20），请提前准备领学。`,
        );
      }
      await h.tick(local("2026-11-25T14:45"));
      const signIn = cardsOf(h, bgsChat).find((c) => titleOf(c).startsWith("签到："));
      expect(signIn).toBeDefined();
      const signInText = markdownOf(signIn as Json);
      expect(signInText).toContain("**第一议题**");
      expect(signInText.indexOf(`《${ITEM_B.title}》`)).toBeGreaterThan(-1);
      expect(signInText.indexOf(`《${ITEM_B.title}》`)).toBeLessThan(
        signInText.indexOf(`《${ITEM_A.title}》`),
      );
      // Other branches' chats get no reminder for this meeting.
      expect(textsOf(h, await h.chatOf("zhgh")).filter((t) => t.startsWith("【会议提醒】"))).toHaveLength(0);
    });

    it("the meeting closes, the secretary privately gets the record card and submits it; the records are written", async () => {
      await h.tick(local("2026-11-25T15:00"));
      await h.tick(local("2026-11-25T16:31"));
      await h.tick(local("2026-11-25T16:32"));
      const [meeting] = await h.db.db.select().from(schema.meetings);
      expect(meeting?.state).toBe("closed");

      const secretaryOpenId = await h.openIdOf(BGS_SECRETARY);
      const recordCards = cardsOf(h, secretaryOpenId).filter((c) =>
        titleOf(c).startsWith("登记第一议题学习"),
      );
      expect(recordCards).toHaveLength(1);
      // Only privately: no record card in the group chat, nor to anyone else of the branch.
      expect(cardsOf(h, bgsChat).filter((c) => titleOf(c).startsWith("登记第一议题学习"))).toHaveLength(0);
      expect(
        cardsOf(h, await h.openIdOf(BGS_COMMITTEE)).filter((c) => titleOf(c).startsWith("登记第一议题")),
      ).toHaveLength(0);
      const card = recordCards[0] as Json;
      const [a] = await itemRows(h, ITEM_A.title);
      const [b] = await itemRows(h, ITEM_B.title);
      const picker = findElement(card, (e) => e.tag === "multi_select_static" && e.name === "items");
      expect(picker?.options.map((o: Json) => o.value)).toEqual([b?.id, a?.id]);
      expect(picker?.selected_values).toEqual([b?.id, a?.id]);
      expect(findElement(card, (e) => e.tag === "select_static" && e.name === "form")).toBeDefined();

      // The branch studied item A only; B stays pending.
      const answer = await submitRecord(h, BGS_SECRETARY, card, {
        items: [a?.id as string],
        led_by: "刘志强",
        form: "原文领学",
        notes: "徐红霞：要把学习成果转化为推动工作的实际成效。\n郭晨曦：结合处室职责抓好落实。",
        measures:
          "1. 制定支部专题学习计划 — 徐红霞\n2. 在处室业务工作中抓好贯彻落实（责任人：郭晨曦）\n3. 向机关党委报送学习情况",
      });
      expect(answer.status).toBe(200);
      expect(answer.body?.toast).toEqual({
        type: "success",
        content: "已登记 1 项，另有 1 项留待下次会议学习。",
      });
      expect(JSON.stringify(answer.body?.card)).toContain("已登记第一议题");

      const records = await h.db.db
        .select({
          id: schema.firstAgendaRecords.id,
          studyItemId: schema.firstAgendaRecords.studyItemId,
          ledBy: schema.firstAgendaRecords.ledBy,
          form: schema.firstAgendaRecords.form,
          notes: schema.firstAgendaRecords.notes,
          recordedBy: schema.firstAgendaRecords.recordedBy,
          delay: sql<number>`((${schema.meetings.startsAt} at time zone 'Asia/Shanghai')::date - ${schema.studyItems.publishedOn}::date)::int`,
        })
        .from(schema.firstAgendaRecords)
        .innerJoin(schema.meetings, eq(schema.meetings.id, schema.firstAgendaRecords.meetingId))
        .innerJoin(schema.studyItems, eq(schema.studyItems.id, schema.firstAgendaRecords.studyItemId))
        .where(eq(schema.firstAgendaRecords.meetingId, meeting?.id as string));
      expect(records).toHaveLength(1);
      const secretaryId = await h.memberIdOf(BGS_SECRETARY);
      expect(records[0]).toMatchObject({
        studyItemId: a?.id,
        ledBy: secretaryId,
        form: "原文领学",
        recordedBy: secretaryId,
        delay: 5,
      });
      expect(records[0]?.notes).toContain("结合处室职责抓好落实");

      const measures = await h.db.db
        .select()
        .from(schema.followUpMeasures)
        .where(eq(schema.followUpMeasures.recordId, records[0]?.id as string))
        .orderBy(schema.followUpMeasures.createdAt);
      // In the order typed, each with its owner when the name is in the roster.
      expect(measures.map((m) => ({ content: m.content, ownerId: m.ownerId }))).toEqual([
        { content: "制定支部专题学习计划", ownerId: await h.memberIdOf("1002") },
        { content: "在处室业务工作中抓好贯彻落实", ownerId: await h.memberIdOf("1003") },
        { content: "向机关党委报送学习情况", ownerId: null },
      ]);

      // The ledger's 第一议题 sheet shows the same record.
      const ledger = await exportMeetingLedger(h.db.db, {
        branch: "bgs",
        from: "2026-11-01",
        to: "2026-11-30",
        timeZone: "Asia/Shanghai",
      });
      const sheet = (await readXlsxFile(ledger.buffer)).find((x) => x.sheet === "第一议题");
      expect(sheet?.data.slice(1)).toEqual([
        [
          "2026-11-25",
          "办公室党支部",
          "支部委员会",
          `《${ITEM_A.title}》`,
          "新华社",
          "2026-11-20",
          5,
          "刘志强",
          "原文领学",
          "徐红霞：要把学习成果转化为推动工作的实际成效。\n郭晨曦：结合处室职责抓好落实。",
          "1. 制定支部专题学习计划（责任人：徐红霞）\n2. 在处室业务工作中抓好贯彻落实（责任人：郭晨曦）\n3. 向机关党委报送学习情况",
        ],
      ]);

      // Pressing submit again writes nothing more.
      const again = await submitRecord(h, BGS_SECRETARY, card, {
        items: [a?.id as string],
        led_by: "刘志强",
        form: "原文领学",
      });
      expect(again.body?.toast?.content).toBe("本次会议已登记过这些材料。");
      expect(
        await h.db.db
          .select()
          .from(schema.firstAgendaRecords)
          .where(eq(schema.firstAgendaRecords.meetingId, meeting?.id as string)),
      ).toHaveLength(1);
      expect(await h.db.db.select().from(schema.followUpMeasures)).toHaveLength(3);
    });

    it("a plain member cannot submit the record card", async () => {
      const card = cardsOf(h, await h.openIdOf(BGS_SECRETARY)).find((c) =>
        titleOf(c).startsWith("登记第一议题学习"),
      ) as Json;
      const [b] = await itemRows(h, ITEM_B.title);
      const answer = await submitRecord(h, BGS_MEMBER, card, {
        items: [b?.id as string],
        led_by: "刘志强",
        form: "原文领学",
      });
      expect(answer.body?.toast?.type).toBe("warning");
      expect(
        await h.db.db
          .select()
          .from(schema.firstAgendaRecords)
          .where(eq(schema.firstAgendaRecords.studyItemId, b?.id as string)),
      ).toHaveLength(0);
    });

    it("the studied item is no longer pending: 第一议题 shows it with its delay, the next meeting names only the other", async () => {
      h.clock.now = local("2026-11-26T09:00");
      const before = cardsOf(h, bgsChat).length;
      await h.say(await h.openIdOf(BGS_MEMBER), bgsChat, "第一议题");
      const status = cardsOf(h, bgsChat).slice(before);
      expect(status).toHaveLength(1);
      expect(titleOf(status[0] as Json)).toBe("第一议题：办公室党支部");
      const text = markdownOf(status[0] as Json);
      const [pendingPart, recentPart] = text.split("**最近学习**");
      expect(pendingPart).toContain("**待学习（1）**");
      expect(pendingPart).toContain(`《${ITEM_B.title}》`);
      expect(pendingPart).not.toContain(ITEM_A.title);
      expect(recentPart).toContain(`《${ITEM_A.title}》：2026-11-25 支部委员会，发表后第 5 天学习`);
      expect(recentPart).not.toContain(ITEM_B.title);

      // Another branch studied nothing: both items still pending there.
      const zhghChat = await h.chatOf("zhgh");
      await h.say(await h.openIdOf("1015"), zhghChat, "第一议题");
      const zhgh = markdownOf(cardsOf(h, zhghChat).at(-1) as Json);
      expect(zhgh).toContain("**待学习（2）**");

      await h.say(await h.openIdOf(BGS_SECRETARY), bgsChat, "安排 支部委员会 12月2日 15:00 三楼会议室");
      await h.tick(local("2026-12-01T15:00"));
      await h.tick(local("2026-12-01T16:00"));
      const reminder = textsOf(h, bgsChat)
        .filter((t) => t.includes("12月2日"))
        .at(-1);
      expect(reminder).toContain(`第一议题：《${ITEM_B.title}》（《求是》，2026-11-16），请提前准备领学。`);
      expect(reminder).not.toContain(ITEM_A.title);
    });
  });

  describe("an unrecorded meeting: nudged once per working day, never on days off; overdue after N days", () => {
    let h: BotHarness;
    const ITEM = {
      title: "在庆祝中华人民共和国成立77周年招待会上的讲话",
      source: "新华社",
      link: "https://www.news.cn/politics/20260930/example-c.html",
    };
    beforeAll(async () => {
      h = await startBotHarness(target);
    });
    afterAll(async () => {
      await h?.close();
    });

    const overviews = new Map<string, { title: string; text: string | undefined }>();
    const overviewBy = async (who: string, at: Date) => {
      h.clock.now = at;
      const chat = `oc_p2p_${who}`;
      await h.say(await h.openIdOf(who), chat, "第一议题 情况", "p2p");
      const card = cardsOf(h, chat).at(-1);
      return card
        ? { title: titleOf(card), text: markdownOf(card) }
        : { title: "", text: textsOf(h, chat).at(-1) };
    };

    it("plays out the 国庆 week of 2026", async () => {
      h.clock.now = local("2026-09-28T09:00"); // Monday
      await h.say(
        await h.openIdOf(ADMIN),
        await h.chatOf("bgs"),
        `第一议题 添加 《${ITEM.title}》 2026-09-26 ${ITEM.source} ${ITEM.link}`,
      );
      expect(await itemRows(h, ITEM.title)).toHaveLength(1);
      await h.say(await h.openIdOf(BGS_SECRETARY), await h.chatOf("bgs"), "安排 支部委员会 9月29日 15:00");
      await h.say(await h.openIdOf(ZHGH_SECRETARY), await h.chatOf("zhgh"), "安排 支部委员会 9月29日 15:00");
      await h.say(await h.openIdOf(JJYX_SECRETARY), await h.chatOf("jjyx"), "安排 支部委员会 10月9日 15:00");
      expect(await h.db.db.select().from(schema.meetings)).toHaveLength(3);
      await h.tick(local("2026-09-28T09:00"));

      const nudgeCards = (code: string) =>
        h
          .openIdOf(code)
          .then((id) => cardsOf(h, id).filter((c) => /^(提醒|已逾期)：请登记第一议题学习/.test(titleOf(c))));
      const recordCard = async (code: string) =>
        cardsOf(h, await h.openIdOf(code)).find((c) => titleOf(c).startsWith("登记第一议题学习")) as Json;
      const [item] = await itemRows(h, ITEM.title);

      const perDay = new Map<string, string[]>();
      let seen = 0;
      for (let d = 29; d <= 43; d++) {
        const day = d <= 30 ? `2026-09-${d}` : `2026-10-${String(d - 30).padStart(2, "0")}`;
        for (const time of ["08:00", "09:00", "09:30", "12:00", "16:31", "16:32", "20:00"]) {
          await h.tick(local(`${day}T${time}`));
          if (time === "12:00" && ["2026-09-30", "2026-10-06", "2026-10-07", "2026-10-13"].includes(day)) {
            overviews.set(day, await overviewBy(day === "2026-10-13" ? ADMIN_2 : ADMIN, h.clock.now));
          }
          if (day === "2026-09-29" && time === "16:32") {
            // bgs records at once (3 days after publication); zhgh never does.
            const answer = await submitRecord(h, BGS_SECRETARY, await recordCard(BGS_SECRETARY), {
              items: [item?.id as string],
              led_by: "刘志强",
              form: "研讨交流",
              measures: "组织党员撰写学习体会 — 曹芳",
            });
            expect(answer.body?.toast?.type).toBe("success");
            expect(await recordCard(ZHGH_SECRETARY)).toBeDefined();
          }
          if (day === "2026-10-09" && time === "16:32") {
            // jjyx records the day its meeting closes (13 days after publication).
            const answer = await submitRecord(h, JJYX_SECRETARY, await recordCard(JJYX_SECRETARY), {
              items: [item?.id as string],
              led_by: "蔡洁",
              form: "原文领学",
            });
            expect(answer.body?.toast?.type).toBe("success");
          }
        }
        const nudges = await nudgeCards(ZHGH_SECRETARY);
        perDay.set(
          day,
          nudges.slice(seen).map((c) => titleOf(c)),
        );
        seen = nudges.length;
      }

      const header = (prefix: string) => `${prefix}：请登记第一议题学习（支部委员会）`;
      expect(Object.fromEntries(perDay)).toEqual({
        "2026-09-29": [], // closed that afternoon
        "2026-09-30": [header("提醒")], // the next working day
        "2026-10-01": [], // 国庆节
        "2026-10-02": [],
        "2026-10-03": [],
        "2026-10-04": [],
        "2026-10-05": [],
        "2026-10-06": [],
        "2026-10-07": [],
        "2026-10-08": [header("已逾期")], // 9 days after closing, more than STUDY_OVERDUE_DAYS (7)
        "2026-10-09": [header("已逾期")],
        "2026-10-10": [header("已逾期")], // Saturday, but 调休上班: a working day
        "2026-10-11": [], // Sunday
        "2026-10-12": [header("已逾期")],
        "2026-10-13": [header("已逾期")],
      });
      const rows = await outboxOfKind(h, "study.record_nudge");
      expect(rows).toHaveLength(6);
      expect(rows.every((r) => r.state === "sent")).toBe(true);
      expect(new Set(rows.map((r) => r.targetId))).toEqual(new Set([await h.openIdOf(ZHGH_SECRETARY)]));
      // Recorded meetings are not nudged.
      expect(await nudgeCards(BGS_SECRETARY)).toHaveLength(0);
      expect(await nudgeCards(JJYX_SECRETARY)).toHaveLength(0);

      const firstRecords = await h.db.db
        .select()
        .from(schema.firstAgendaRecords)
        .where(eq(schema.firstAgendaRecords.studyItemId, item?.id as string));
      expect(firstRecords).toHaveLength(2);
      const owners = await h.db.db
        .select()
        .from(schema.followUpMeasures)
        .where(
          inArray(
            schema.followUpMeasures.recordId,
            firstRecords.map((r) => r.id),
          ),
        );
      expect(owners.map((m) => [m.content, m.ownerId])).toEqual([
        ["组织党员撰写学习体会", await h.memberIdOf("1005")],
      ]);
    });

    it("第一议题 情况: nothing overdue early on; after N days the late branches, with median and longest delays", async () => {
      // 2 days after the item was added: nobody is overdue yet.
      const early = overviews.get("2026-09-30");
      expect(early?.title).toBe("第一议题执行情况");
      expect(early?.text).toContain(`《${ITEM.title}》（2026-09-26）：1/6 个支部已学，中位 3 天，最长 3 天`);
      expect(early?.text).toContain("各支部均无逾期");

      // 8 days after adding (> 7): the item is overdue where it was not studied, but zhgh's unrecorded
      // meeting (closed 7 days ago) is not yet; the day after, it is.
      const zhghLine = (day: string) =>
        overviews
          .get(day)
          ?.text?.split("\n")
          .find((l) => l.startsWith("· 综合规划处党支部"));
      expect(zhghLine("2026-10-06")).toBe(`· 综合规划处党支部：逾期未学 1 项：《${ITEM.title}》`);
      expect(overviews.get("2026-10-06")?.text).not.toContain("未登记第一议题学习");
      expect(zhghLine("2026-10-07")).toBe(
        `· 综合规划处党支部：逾期未学 1 项：《${ITEM.title}》；1 次会议未登记第一议题学习`,
      );

      const late = overviews.get("2026-10-13")?.text;
      expect(late).toContain(`《${ITEM.title}》（2026-09-26）：2/6 个支部已学，中位 8 天，最长 13 天`);
      expect(late).toContain(
        `· 综合规划处党支部：逾期未学 1 项：《${ITEM.title}》；1 次会议未登记第一议题学习`,
      );
      for (const name of ["固定资产投资处党支部", "价格管理处党支部", "离退休干部党支部"]) {
        expect(late).toContain(`· ${name}：逾期未学 1 项`);
      }
      expect(late).not.toContain("· 办公室党支部");
      expect(late).not.toContain("· 经济运行处党支部");

      const refused = await overviewBy(BGS_SECRETARY, local("2026-10-13T10:05"));
      expect(refused.text).toBe("各支部第一议题情况仅限机关党委工作人员查看。");
    });
  });
});
