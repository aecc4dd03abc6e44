import { describe, expect, it } from "vitest";
import {
  cardCallbackAnswer,
  escapeMarkdown,
  MAX_ARRAY_BYTES,
  MAX_CARD_BYTES,
  MAX_TEXT_BYTES,
  renderCard,
  SECTION_SLOTS,
} from "../../../src/platforms/dingtalk/cards.ts";
import { parseCardCallback } from "../../../src/platforms/dingtalk/parse.ts";
import { readDingTalkConfig } from "../../../src/platforms/dingtalk/settings.ts";
import variables from "../../../src/platforms/dingtalk/templates/zhibu-generic.variables.json" with {
  type: "json",
};
import type { CardView } from "../../../src/platforms/types.ts";

const bytes = (s: string) => new TextEncoder().encode(s).length;
const json = (s: string | undefined) => JSON.parse(s ?? "null");

/** Every CardBlock kind, in the order the confirmation and sign-in cards use them. */
const everyKind: CardView = {
  header: { title: "会议已安排：主题党日", subtitle: "第一党支部", tone: "green" },
  blocks: [
    {
      type: "fields",
      fields: [
        { label: "时间", value: "11月20日 14:30" },
        { label: "地点", value: "三楼*会议室" },
      ],
    },
    { type: "markdown", text: "**第一议题**\n1. 《学习材料》" },
    { type: "divider" },
    { type: "note", text: "会前 1 小时提醒" },
    { type: "link", label: "会议材料", url: "https://example.gov.cn/a" },
    {
      type: "buttons",
      buttons: [
        { label: "签到", style: "primary", value: { action: "meeting.sign_in", meeting: "m1" } },
        {
          label: "取消会议",
          style: "danger",
          value: { action: "meeting.cancel", meeting: "m1" },
          confirm: { title: "取消会议", text: "确定取消吗？" },
        },
        { label: "详情", value: { action: "meeting.more" } },
      ],
    },
    {
      type: "form",
      name: "leave",
      inputs: [
        {
          name: "reason",
          label: "请假事由",
          placeholder: "如：出差",
          required: true,
          multiline: true,
          initial: "出差",
        },
      ],
      submit: { label: "请假", value: { action: "meeting.leave", meeting: "m1" } },
    },
    {
      type: "form",
      name: "correct",
      inputs: [
        {
          name: "member",
          label: "人员",
          single: true,
          required: true,
          options: [
            { value: "a", label: "甲" },
            { value: "b", label: "乙" },
          ],
          initialValues: ["b"],
        },
        {
          name: "tags",
          label: "情况",
          options: [
            { value: "x", label: "X" },
            { value: "y", label: "Y" },
          ],
          initialValues: ["y"],
        },
      ],
      submit: { label: "提交更正", value: { action: "attendance.correct" } },
    },
    { type: "markdown", text: "末尾说明" },
  ],
};

describe("CardView → DingTalk generic template variables", () => {
  const { params, warnings } = renderCard(everyKind);

  it("header: title, subtitle and tone", () => {
    expect(params).toMatchObject({ title: "会议已安排：主题党日", subtitle: "第一党支部", tone: "green" });
    expect(renderCard({ header: { title: "t" }, blocks: [] }).params).toMatchObject({
      subtitle: "",
      tone: "blue",
    });
  });

  it("text blocks (fields, markdown, divider, note, link) become one markdown, user values escaped", () => {
    expect(params.s1_md).toBe(
      [
        "**时间**：11月20日 14:30\n**地点**：三楼\\*会议室",
        "**第一议题**\n1. 《学习材料》",
        "---",
        "> 会前 1 小时提醒",
        "[会议材料](https://example.gov.cn/a)",
      ].join("\n\n"),
    );
    expect(params.s1_show_md).toBe("true");
  });

  it("buttons become the section's loop: label, colour by style, action JSON, confirmation", () => {
    expect(json(params.s1_buttons)).toEqual([
      {
        label: "签到",
        color: "blue",
        action: '{"action":"meeting.sign_in","meeting":"m1"}',
        confirm: false,
        confirm_title: "",
        confirm_text: "",
      },
      {
        label: "取消会议",
        color: "red",
        action: '{"action":"meeting.cancel","meeting":"m1"}',
        confirm: true,
        confirm_title: "取消会议",
        confirm_text: "确定取消吗？",
      },
      {
        label: "详情",
        color: "gray",
        action: '{"action":"meeting.more"}',
        confirm: false,
        confirm_title: "",
        confirm_text: "",
      },
    ]);
    expect(params.s1_show_buttons).toBe("true");
  });

  it("a form after buttons stays in the section; the next form opens a new one; order is kept", () => {
    expect(json(params.s1_form)).toEqual([
      {
        type: "TEXT",
        name: "reason",
        label: "请假事由",
        placeholder: "如：出差",
        required: true,
        multiline: true,
        default_string: "出差",
      },
    ]);
    expect(params).toMatchObject({
      s1_submit: "请假",
      s1_submit_action: '{"action":"meeting.leave","meeting":"m1"}',
      s1_show_form: "true",
    });
    expect(params).toMatchObject({
      s2_md: "",
      s2_show_md: "false",
      s2_buttons: "[]",
      s2_show_buttons: "false",
      s2_submit: "提交更正",
    });
    expect(json(params.s2_form)).toEqual([
      {
        type: "SELECT",
        name: "member",
        label: "人员",
        placeholder: "",
        required: true,
        multiline: false,
        default_number: 1,
        options: [
          { value: 0, text: { zh_CN: "甲" }, id: "a" },
          { value: 1, text: { zh_CN: "乙" }, id: "b" },
        ],
      },
      {
        type: "MULTI_SELECT",
        name: "tags",
        label: "情况",
        placeholder: "",
        required: false,
        multiline: false,
        default_number_array: [1],
        options: [
          { value: 0, text: { zh_CN: "X" }, id: "x" },
          { value: 1, text: { zh_CN: "Y" }, id: "y" },
        ],
      },
    ]);
    expect(params.s3_md).toBe("末尾说明");
    expect(warnings).toEqual([]);
  });

  it("every slot is always present, unused ones empty, so an update by key replaces the whole card", () => {
    const keys = Object.keys(params);
    expect(keys).toHaveLength(3 + SECTION_SLOTS * 8);
    for (let i = 4; i <= SECTION_SLOTS; i++) {
      expect(params).toMatchObject({
        [`s${i}_md`]: "",
        [`s${i}_buttons`]: "[]",
        [`s${i}_form`]: "[]",
        [`s${i}_show_form`]: "false",
      });
    }
    for (const [k, v] of Object.entries(params)) {
      expect(typeof v).toBe("string");
      expect(bytes(k)).toBeLessThanOrEqual(100);
    }
  });

  it("keeps texts under 1 KB, select lists under the array cap, and the card under its cap", () => {
    const huge = renderCard({
      header: { title: "长".repeat(500) },
      blocks: [
        { type: "markdown", text: "很长的内容".repeat(400) },
        {
          type: "form",
          name: "f",
          inputs: [
            {
              name: "m",
              label: "人员",
              single: true,
              options: Array.from({ length: 400 }, (_, i) => ({
                value: `member-${i}-uuid-0000-0000`,
                label: `成员${i}`,
              })),
            },
          ],
          submit: { label: "提交", value: { action: "x" } },
        },
      ],
    });
    expect(bytes(huge.params.s1_md!)).toBeLessThanOrEqual(MAX_TEXT_BYTES);
    expect(huge.params.s1_md).toMatch(/已截断）$/);
    expect(bytes(huge.params.title!)).toBeLessThanOrEqual(200);
    const form = json(huge.params.s1_form);
    expect(bytes(huge.params.s1_form!)).toBeLessThanOrEqual(MAX_ARRAY_BYTES);
    expect(form[0].label).toMatch(/^人员（仅列出前 \d+ 项）$/);
    expect(huge.warnings.join()).toMatch(/选项过多/);
    const total = Object.entries(huge.params).reduce((n, [k, v]) => n + bytes(k) + bytes(v), 0);
    expect(total).toBeLessThanOrEqual(MAX_CARD_BYTES);
  });

  it("more sections than slots: text still shows in the last slot, lost buttons are reported", () => {
    const blocks = Array.from({ length: SECTION_SLOTS + 2 }, (_, i) => [
      { type: "markdown" as const, text: `段${i}` },
      { type: "buttons" as const, buttons: [{ label: `按钮${i}`, value: { action: `a${i}` } }] },
    ]).flat();
    const r = renderCard({ header: { title: "t" }, blocks });
    expect(r.params[`s${SECTION_SLOTS}_md`]).toContain(`段${SECTION_SLOTS + 1}`);
    expect(r.warnings[0]).toMatch(/超过模板容量/);
  });

  it("escapes DingTalk markdown's characters in user values", () => {
    expect(escapeMarkdown("a*b_[c](d)#e>f|g~h`i\\")).toBe("a\\*b\\_\\[c\\]\\(d\\)\\#e\\>f\\|g\\~h\\`i\\\\");
  });
});

describe("the shipped template description", () => {
  const { params } = renderCard(everyKind);
  it("lists exactly the variables renderCard fills, and the private ones the callback answer fills", () => {
    const rendered = Object.keys(renderCard(everyKind).params).sort();
    expect(variables.publicVariables.map((v) => v.name).sort()).toEqual(rendered);
    const privateKeys = Object.keys((cardCallbackAnswer({}).userPrivateData as any).cardParamMap).sort();
    expect(variables.privateVariables.map((v) => v.name).sort()).toEqual(privateKeys);
  });

  it("declares exactly the fields of the loop items renderCard emits: buttons, form fields, options", () => {
    const loops = Object.entries(params).filter(([k]) => /^s\d+_(buttons|form)$/.test(k));
    const items = (kind: string) =>
      loops.filter(([k]) => k.endsWith(kind)).flatMap(([, v]) => json(v as string) as any[]);
    const keysOf = (objects: object[]) => [...new Set(objects.flatMap((o) => Object.keys(o)))].sort();
    const buttons = items("_buttons");
    const fields = items("_form");
    // The sample card has every shape: plain, primary, danger and confirming buttons; TEXT, SELECT, MULTI_SELECT.
    expect(new Set(buttons.map((b) => b.color))).toEqual(new Set(["blue", "red", "gray"]));
    expect(new Set(fields.map((f) => f.type))).toEqual(new Set(["TEXT", "SELECT", "MULTI_SELECT"]));
    expect(keysOf(buttons)).toEqual(Object.keys(variables.types.Button).sort());
    expect(keysOf(fields)).toEqual(Object.keys(variables.types.Field).sort());
    expect(keysOf(fields.flatMap((f) => f.options ?? []))).toEqual(
      Object.keys(variables.types.Option).sort(),
    );
  });

  it("its callback parameters are what the adapter reads back: a button's action, a form's action and fields", () => {
    const submitKeys = Object.keys(variables.callbackParams.submit).sort();
    expect(Object.keys(variables.callbackParams.button)).toEqual(["action"]);
    expect(submitKeys).toEqual(["action", "form"]);
    const section = [1, 2, 3, 4, 5, 6].find(
      (i) => params[`s${i}_submit_action`] === '{"action":"meeting.leave","meeting":"m1"}',
    );
    const form = json(params[`s${section}_form`]);
    form[0].default_string = "出差在外";
    // As the template posts a submit: its parameters named as callbackParams.submit says.
    const parsed = parseCardCallback({
      outTrackId: "zhibu_x",
      userId: "st1",
      content: JSON.stringify({
        cardPrivateData: {
          actionIds: ["submit"],
          params: { action: params[`s${section}_submit_action`], form: JSON.stringify(form) },
        },
      }),
    });
    expect(parsed).toMatchObject({
      kind: "event",
      event: { value: { action: "meeting.leave", meeting: "m1" }, formValue: { reason: "出差在外" } },
    });
  });

  it("names the variable that holds the template's id, as the configuration reads it", () => {
    expect(variables.templateIdVariable).toBe("DINGTALK_CARD_TEMPLATE_ID");
    expect(
      readDingTalkConfig({
        DINGTALK_APP_KEY: "k",
        DINGTALK_APP_SECRET: "s",
        DINGTALK_CARD_TEMPLATE_ID: "tpl.schema",
        DINGTALK_CARD_CALLBACK_SECRET: "c",
      }).settings?.cardTemplateId,
    ).toBe("tpl.schema");
  });
});

describe("card callback answer", () => {
  it("toast to the clicker's private data; a new card replaces the public data by key", () => {
    const card: CardView = {
      header: { title: "已签到" },
      blocks: [{ type: "markdown", text: "已签到 3 人" }],
    };
    const answer = cardCallbackAnswer({ toast: { type: "success", text: "签到成功" }, card });
    expect(answer).toEqual({
      cardData: { cardParamMap: renderCard(card).params },
      userPrivateData: { cardParamMap: { toast: "签到成功", toast_type: "success" } },
      cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
    });
    expect(cardCallbackAnswer({})).not.toHaveProperty("cardData");
  });
});
