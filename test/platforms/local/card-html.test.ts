/**
 * The local console's card renderer: every CardView block kind comes out as the HTML a reader and the
 * console's script need (texts escaped, buttons and form submits numbered as the adapter's click looks
 * them up), and a block kind it does not know yet still shows something.
 */
import { describe, expect, it } from "vitest";
import { renderCardHtml, renderChart, renderMarkdown } from "../../../src/platforms/local/card-html.ts";
import { cardActions } from "../../../src/platforms/memory/adapter.ts";
import type { CardBlock, CardView } from "../../../src/platforms/types.ts";

/** One sample per block kind: adding a kind to CardBlock without a sample here fails to compile. */
const SAMPLES: { [K in CardBlock["type"]]: Extract<CardBlock, { type: K }> } = {
  markdown: { type: "markdown", text: "**第一议题**\n学习 [原文](https://example.org/a?x=1&y=2) <script>" },
  fields: { type: "fields", fields: [{ label: "地点", value: "三楼<会议室>" }] },
  divider: { type: "divider" },
  chart: {
    type: "chart",
    title: "近12个月出勤率（%）",
    spec: {
      type: "line",
      data: [
        {
          id: "a",
          values: [
            { month: "1月", rate: 80 },
            { month: "2月", rate: 90 },
          ],
        },
      ],
      xField: "month",
      yField: "rate",
    },
    fallback: "1月 80%，2月 90%",
  },
  note: { type: "note", text: "开始前 15 分钟发送签到卡片" },
  buttons: {
    type: "buttons",
    buttons: [
      { label: "签到", value: { action: "meeting.sign_in", meeting: "m1" }, style: "primary" },
      {
        label: "结束签到",
        value: { action: "meeting.close", meeting: "m1" },
        style: "danger",
        confirm: { title: "结束签到？", text: "结束后不能再签到" },
      },
    ],
  },
  link: { type: "link", label: "查看原文", url: "https://example.org/b" },
  form: {
    type: "form",
    name: "record",
    inputs: [
      { name: "led_by", label: "领学人", required: true, placeholder: "姓名" },
      { name: "notes", label: "学习内容", multiline: true, initial: "原文" },
      {
        name: "form",
        label: "学习形式",
        single: true,
        options: [
          { value: "read", label: "原文领学" },
          { value: "talk", label: "交流研讨" },
        ],
        initialValues: ["talk"],
      },
      {
        name: "items",
        label: "学习材料",
        options: [
          { value: "i1", label: "《材料一》" },
          { value: "i2", label: "《材料二》" },
        ],
        initialValues: ["i2"],
      },
    ],
    submit: { label: "登记", value: { action: "study.record", meeting: "m1" } },
  },
};

const card = (blocks: CardBlock[], header: CardView["header"] = { title: "卡片" }): CardView => ({
  header,
  blocks,
});

describe("the local console's card renderer", () => {
  it("draws the header with its tone and subtitle, escaped", () => {
    const html = renderCardHtml(
      card([], { title: "签到：<党员大会>", subtitle: "办公室", tone: "green" }),
      "m",
    );
    expect(html).toContain('class="card-head tone-green"');
    expect(html).toContain("签到：&lt;党员大会&gt;");
    expect(html).toContain('<div class="card-sub">办公室</div>');
    expect(renderCardHtml(card([]), "m")).toContain("tone-blue");
  });

  it("markdown: bold, safe links and line breaks; any HTML typed is text", () => {
    const html = renderCardHtml(card([SAMPLES.markdown]), "m");
    expect(html).toContain("<strong>第一议题</strong><br>");
    expect(html).toContain(
      '<a href="https://example.org/a?x=1&amp;y=2" target="_blank" rel="noopener noreferrer">原文</a>',
    );
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain("<script>");
    expect(renderMarkdown("[x](javascript:alert(1))")).not.toContain("<a");
  });

  it("fields as label and value pairs", () => {
    const html = renderCardHtml(card([SAMPLES.fields]), "m");
    expect(html).toContain("<dt>地点</dt><dd>三楼&lt;会议室&gt;</dd>");
  });

  it("divider and note", () => {
    expect(renderCardHtml(card([SAMPLES.divider]), "m")).toContain("<hr>");
    const chart = renderCardHtml(card([SAMPLES.chart]), "m");
    expect(chart).toContain('<div class="chart-title">近12个月出勤率（%）</div>');
    expect(chart).toContain("<polyline");
    expect(chart).toContain("1月 80%，2月 90%");
    expect(renderCardHtml(card([SAMPLES.note]), "m")).toContain(
      '<div class="note">开始前 15 分钟发送签到卡片</div>',
    );
  });

  it("buttons carry the message, their index among the card's actions, the action and any confirmation", () => {
    const html = renderCardHtml(card([SAMPLES.buttons]), "loc_1");
    expect(html).toContain(
      '<button type="button" class="btn btn-primary" data-msg="loc_1" data-index="0" data-action="meeting.sign_in">签到</button>',
    );
    expect(html).toMatch(
      /class="btn btn-danger" data-msg="loc_1" data-index="1" data-action="meeting.close" data-confirm="结束签到？\n\n结束后不能再签到">结束签到<\/button>/,
    );
  });

  it("links open the page; a link that is not http(s) is shown, not followed", () => {
    expect(renderCardHtml(card([SAMPLES.link]), "m")).toContain(
      '<a href="https://example.org/b" target="_blank" rel="noopener noreferrer">查看原文</a>',
    );
    const odd = renderCardHtml(card([{ type: "link", label: "内网", url: "javascript:alert(1)" }]), "m");
    expect(odd).not.toContain("<a ");
    expect(odd).toContain("内网：javascript:alert(1)");
  });

  it("forms: text, multiline, a single choice as a select and several choices as check boxes, with their initial values", () => {
    const html = renderCardHtml(card([SAMPLES.form]), "m");
    expect(html).toContain('<form class="card-form" data-msg="m" data-index="0" data-action="study.record">');
    expect(html).toMatch(
      /<label for="f-m-0-led_by">领学人<span class="req">\*<\/span><\/label><input id="f-m-0-led_by" name="led_by" value="" placeholder="姓名" required>/,
    );
    expect(html).toContain('<textarea id="f-m-0-notes" name="notes" rows="3">原文</textarea>');
    expect(html).toContain(
      '<select id="f-m-0-form" name="form"><option value="read">原文领学</option><option value="talk" selected>交流研讨</option></select>',
    );
    expect(html).toContain('data-multi="items"');
    expect(html).toContain('<input type="checkbox" name="items" value="i1"> 《材料一》');
    expect(html).toContain('<input type="checkbox" name="items" value="i2" checked> 《材料二》');
    expect(html).toContain('<button type="submit" class="btn btn-primary">登记</button></form>');
  });

  it("numbers buttons and forms across the card as the adapter's click does", () => {
    const c = card([SAMPLES.form, SAMPLES.markdown, SAMPLES.buttons]);
    const html = renderCardHtml(c, "m");
    const rendered = [...html.matchAll(/data-index="(\d+)" data-action="([^"]+)"/g)].map((m) => [
      Number(m[1]),
      m[2],
    ]);
    expect(rendered).toEqual(cardActions(c).map((a, i) => [i, a.value.action]));
  });

  it("a block kind added later shows its chart (from the Feishu chart spec), its text, or a note", () => {
    const chart = {
      type: "graph",
      title: "近12个月出勤率（%）",
      spec: {
        type: "line",
        data: [
          {
            id: "a",
            values: [
              { month: "1月", rate: 80 },
              { month: "2月", rate: 90 },
            ],
          },
        ],
        xField: "month",
        yField: "rate",
        axes: [
          { orient: "bottom", type: "band", domain: ["1月", "2月", "3月"] },
          { orient: "left", type: "linear", min: 0, max: 100 },
        ],
      },
    } as unknown as CardBlock;
    const html = renderCardHtml(card([chart]), "m");
    expect(html).toContain('<div class="chart-title">近12个月出勤率（%）</div>');
    expect(html).toContain("<polyline");
    expect(html).toContain(">90</text>");
    const wrapped = {
      type: "graph",
      chart: {
        title: "出勤",
        spec: {
          type: "bar",
          data: [{ values: [{ b: "办公室", r: 3 }] }],
          xField: "r",
          yField: "b",
          direction: "horizontal",
        },
      },
    } as unknown as CardBlock;
    expect(renderCardHtml(card([wrapped]), "m")).toContain('class="bar"');
    const texty = { type: "callout", text: "**提示**" } as unknown as CardBlock;
    expect(renderCardHtml(card([texty]), "m")).toContain("<strong>提示</strong>");
    const unknown = { type: "image", key: "img_1" } as unknown as CardBlock;
    expect(renderCardHtml(card([unknown]), "m")).toContain("本地控制台暂不能显示这部分内容：image");
  });

  it("a chart without data says so rather than drawing nothing", () => {
    expect(
      renderChart("出勤率", { type: "line", data: [{ values: [] }], xField: "x", yField: "y" }),
    ).toContain("暂无数据");
    expect(renderChart("出勤率", "not a spec")).toContain("（图表）");
  });
});
