import { describe, expect, it } from "vitest";
import { escapeMarkdown, renderCard } from "../../../src/platforms/feishu/cards.ts";

describe("Feishu card rendering (JSON 2.0)", () => {
  it("renders header, fields, note, divider and link", () => {
    const json = renderCard({
      header: { title: "支部助手能做什么", subtitle: "办公室党支部", tone: "green" },
      blocks: [
        { type: "markdown", text: "**第一议题**学习" },
        { type: "fields", fields: [{ label: "地点", value: "3楼*会议室" }] },
        { type: "divider" },
        { type: "note", text: "仅书记可见" },
        { type: "link", label: "查看原文", url: "https://www.news.cn/" },
      ],
    });
    expect(json.schema).toBe("2.0");
    expect(json.config.update_multi).toBe(true);
    expect(json.header).toEqual({
      title: { tag: "plain_text", content: "支部助手能做什么" },
      subtitle: { tag: "plain_text", content: "办公室党支部" },
      template: "green",
    });
    const [md, fields, hr, note, link] = json.body.elements;
    expect(md).toEqual({ tag: "markdown", content: "**第一议题**学习" });
    // A value typed by a user must not turn into bold/italics.
    expect(fields).toEqual({ tag: "markdown", content: "**地点**：3楼&#42;会议室" });
    expect(hr).toEqual({ tag: "hr" });
    expect(note).toMatchObject({ tag: "markdown", text_size: "notation" });
    expect(JSON.stringify(link)).toContain('"default_url":"https://www.news.cn/"');
  });

  it("buttons carry callback behaviors with our value, confirm dialogs and styles", () => {
    const json = renderCard({
      header: { title: "会议签到" },
      blocks: [
        {
          type: "buttons",
          buttons: [
            { label: "签到", value: { action: "sign_in", meeting: "m1" }, style: "primary" },
            {
              label: "请假",
              value: { action: "leave", meeting: "m1" },
              confirm: { title: "确认请假？", text: "请假需填写原因" },
            },
          ],
        },
      ],
    });
    expect(json.header.template).toBe("blue");
    const row = json.body.elements[0] as { tag: string; columns: { elements: Record<string, unknown>[] }[] };
    expect(row.tag).toBe("column_set");
    const [signIn, leave] = row.columns.map((c) => c.elements[0]!);
    expect(signIn).toMatchObject({
      tag: "button",
      type: "primary",
      text: { tag: "plain_text", content: "签到" },
      behaviors: [{ type: "callback", value: { action: "sign_in", meeting: "m1" } }],
    });
    expect(leave).toMatchObject({
      type: "default",
      confirm: {
        title: { tag: "plain_text", content: "确认请假？" },
        text: { tag: "plain_text", content: "请假需填写原因" },
      },
    });
  });

  it("forms are form containers with named inputs and a submit button", () => {
    const json = renderCard({
      header: { title: "请假" },
      blocks: [
        {
          type: "form",
          name: "leave_form",
          inputs: [
            { name: "reason", label: "请假原因", required: true, multiline: true, placeholder: "如：出差" },
            { name: "note", label: "备注", initial: "无" },
          ],
          submit: { label: "提交", value: { action: "leave_submit", meeting: "m1" } },
        },
      ],
    });
    const form = json.body.elements[0] as { tag: string; name: string; elements: Record<string, unknown>[] };
    expect(form).toMatchObject({ tag: "form", name: "leave_form" });
    expect(form.elements).toHaveLength(3);
    expect(form.elements[0]).toMatchObject({
      tag: "input",
      name: "reason",
      required: true,
      input_type: "multiline_text",
      label: { tag: "plain_text", content: "请假原因" },
      placeholder: { tag: "plain_text", content: "如：出差" },
    });
    expect(form.elements[1]).toMatchObject({ name: "note", required: false, default_value: "无" });
    expect(form.elements[1]).not.toHaveProperty("input_type");
    expect(form.elements[2]).toMatchObject({
      tag: "button",
      form_action_type: "submit",
      behaviors: [{ type: "callback", value: { action: "leave_submit", meeting: "m1" } }],
    });
    expect(typeof form.elements[2]!.name).toBe("string");
  });

  it("escapes markdown characters", () => {
    expect(escapeMarkdown("a*b_c<d>")).toBe("a&#42;b&#95;c&#60;d&#62;");
  });
});
