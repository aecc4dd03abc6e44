import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  absenteeCard,
  confirmationCard,
  MEETING_ACTIONS,
  type MeetingView,
} from "../../../src/app/views/meeting-cards.ts";
import { fitCard, jsonBytes, TRUNCATED_MARK, truncateText } from "../../../src/platforms/card-fit.ts";
import { FEISHU_LIMITS } from "../../../src/platforms/feishu/adapter.ts";
import { renderCard, renderCardUnfitted } from "../../../src/platforms/feishu/cards.ts";
import { createFeishuClient } from "../../../src/platforms/feishu/client.ts";
import type { CardView } from "../../../src/platforms/types.ts";
import { type FakeFeishuOpenApi, startFakeFeishuOpenApi } from "../../fakes/feishu-openapi.ts";

const meeting = (place: string): MeetingView => ({
  id: "m-42",
  kind: "committee",
  title: "支部委员会",
  branchName: "办公室党支部",
  startsAt: new Date("2026-12-03T07:00:00Z"),
  endsAt: new Date("2026-12-03T08:30:00Z"),
  place,
  state: "scheduled",
  studyItems: [
    { title: "在全国宣传思想文化工作会议上的讲话", source: "新华社", publishedOn: "2026-11-20", link: null },
  ],
  timeZone: "Asia/Shanghai",
});

const limit = FEISHU_LIMITS.maxCardBytes;
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), "utf8");

/** Every callback value in the rendered card: buttons and form submits. */
function callbacks(json: unknown): unknown[] {
  const found: unknown[] = [];
  JSON.stringify(json, (_k, v) => {
    if (v && typeof v === "object" && (v as { type?: string }).type === "callback") found.push(v);
    return v;
  });
  return found;
}

describe("Feishu cards are kept under Feishu's size limit", () => {
  it("a 100 KB place: the confirmation card renders under 30 KB and keeps its buttons and forms", () => {
    const place = "三楼会议室".repeat(4000) + "x".repeat(42_400);
    expect(Buffer.byteLength(place)).toBeGreaterThanOrEqual(100 * 1024);
    const view = confirmationCard(meeting(place), 12);
    const full = renderCardUnfitted(view);
    expect(bytes(full)).toBeGreaterThan(100_000);

    const json = renderCard(view);
    expect(bytes(json)).toBeLessThanOrEqual(limit);
    expect(bytes(json)).toBeLessThan(30 * 1024);
    // Everything that makes the card work is still there, with the same values.
    expect(callbacks(json)).toEqual(callbacks(full));
    expect(JSON.stringify(json)).toContain(MEETING_ACTIONS.cancel);
    expect(JSON.stringify(json)).toContain(MEETING_ACTIONS.leave);
    expect(JSON.stringify(json)).toContain(MEETING_ACTIONS.edit);
    // The place is cut, says so, and starts as typed; the rest of the card is as it was.
    const text = JSON.stringify(json);
    expect(text).toContain(`**地点**：三楼会议室三楼会议室`);
    expect(text).toContain(TRUNCATED_MARK);
    expect(text).toContain("**应到人数**：12 人");
    expect(text).toContain("在全国宣传思想文化工作会议上的讲话");
    // Deterministic: the same card twice is the same JSON (patches compare equal).
    expect(JSON.stringify(renderCard(view))).toBe(text);
  });

  it("cards under the limit are rendered exactly as they are", () => {
    const view = confirmationCard(meeting("三楼会议室"), 12);
    expect(renderCard(view)).toEqual(renderCardUnfitted(view));
    expect(JSON.stringify(renderCard(view))).not.toContain(TRUNCATED_MARK);
  });

  it("long lists keep their first items and say how many more there are", () => {
    const card: CardView = {
      header: { title: "名单" },
      blocks: [
        {
          type: "fields",
          fields: Array.from({ length: 3000 }, (_, i) => ({ label: `第${i + 1}项`, value: `党员${i + 1}` })),
        },
        { type: "buttons", buttons: [{ label: "确定", value: { action: "ok" } }] },
      ],
    };
    const json = renderCard(card);
    expect(bytes(json)).toBeLessThanOrEqual(limit);
    const text = JSON.stringify(json);
    expect(text).toMatch(/等 \d+ 项/);
    expect(text).toContain("第1项");
    expect(callbacks(json)).toEqual([{ type: "callback", value: { action: "ok" } }]);
  });

  it("a correction form for a huge branch lists fewer people, says so, and still submits", () => {
    const invitees = Array.from({ length: 1500 }, (_, i) => ({
      memberId: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
      name: `党员${i}号同志`,
    }));
    const view = absenteeCard(
      meeting("三楼会议室"),
      { expected: 1500, present: 0, late: 0, leave: 0, missing: 1500 },
      invitees.map((i) => i.name),
      [],
      invitees,
    );
    expect(bytes(renderCardUnfitted(view))).toBeGreaterThan(limit);
    const json = renderCard(view);
    expect(bytes(json)).toBeLessThanOrEqual(limit);
    const text = JSON.stringify(json);
    expect(text).toMatch(/仅列出 \d+ 项，等 \d+ 项未列出/);
    expect(text).toContain(MEETING_ACTIONS.correct);
    expect(text).toContain(MEETING_ACTIONS.remindAbsentees);
  });

  it("falls back to the header, buttons and forms when nothing else would fit", () => {
    const card: CardView = {
      header: { title: "很多段落" },
      blocks: [
        ...Array.from({ length: 2000 }, (_, i): CardView["blocks"][number] => ({
          type: "markdown",
          text: `第 ${i} 段`,
        })),
        { type: "buttons", buttons: [{ label: "签到", value: { action: "sign_in", meeting: "m" } }] },
      ],
    };
    const json = renderCard(card);
    expect(bytes(json)).toBeLessThanOrEqual(limit);
    expect(JSON.stringify(json)).toContain("内容过长，已截断");
    expect(callbacks(json)).toEqual([{ type: "callback", value: { action: "sign_in", meeting: "m" } }]);
  });

  it("truncation counts characters, never splits one, and fitCard is a pure function of card and limit", () => {
    expect(truncateText("党建😀工作", 3)).toBe(`党建😀${TRUNCATED_MARK}`);
    expect(truncateText("短", 3)).toBe("短");
    const card: CardView = { header: { title: "t" }, blocks: [{ type: "note", text: "长".repeat(5000) }] };
    const measure = (c: CardView) => jsonBytes(c);
    const a = fitCard(card, 2000, measure);
    expect(fitCard(card, 2000, measure)).toEqual(a);
    expect(jsonBytes(a)).toBeLessThanOrEqual(2000);
    // The input is left as it was.
    expect((card.blocks[0] as { text: string }).text).toHaveLength(5000);
  });
});

describe("through the client: Feishu (the fake refuses cards over 30 KB) accepts what we send", () => {
  let fake: FakeFeishuOpenApi;
  beforeAll(async () => {
    fake = await startFakeFeishuOpenApi();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("a card with a 100 KB place is delivered, and patched, under the limit with its buttons", async () => {
    const client = createFeishuClient(fake.config());
    const view = confirmationCard(meeting("会议室".repeat(34_000)), 9);
    const { messageId } = await client.send(
      { type: "chat", id: "oc_big" },
      { kind: "card", card: view },
      { idempotencyKey: "big-1" },
    );
    const [sent] = fake.messagesTo("oc_big");
    expect(Buffer.byteLength(sent!.content)).toBeLessThan(30 * 1024);
    expect(sent!.content).toContain(MEETING_ACTIONS.cancel);
    await client.updateCard(messageId, view);
    expect(fake.patches).toHaveLength(1);
    expect(Buffer.byteLength(fake.patches[0]!.content)).toBeLessThan(30 * 1024);
  });
});
