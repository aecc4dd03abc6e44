/** The chart block: Feishu's card 2.0 chart element, text where a platform draws no charts, refused when not plain JSON. */
import { describe, expect, it } from "vitest";
import { attendanceTrendChart, overviewScoreChart } from "../../src/domain/status-charts.ts";
import { renderCard as renderDingTalk } from "../../src/platforms/dingtalk/cards.ts";
import { renderCard as renderFeishu } from "../../src/platforms/feishu/cards.ts";
import { chartProblem } from "../../src/platforms/memory/adapter.ts";
import type { CardChart, CardView } from "../../src/platforms/types.ts";

const trend = attendanceTrendChart([
  { month: "2026-11", label: "11月", meetings: 2, ratePercent: 85 },
  { month: "2026-12", label: "12月", meetings: 0, ratePercent: null },
]);
const line: CardChart = {
  type: "chart",
  title: trend.title,
  spec: trend.spec,
  aspectRatio: "16:9",
  fallback: "11月 85.0%、12月 无会议",
};
const bars = overviewScoreChart([{ name: "办公室党支部", score: 80.6 }]);
const bar: CardChart = {
  type: "chart",
  title: bars.title,
  spec: bars.spec,
  height: bars.height as string,
  fallback: "办公室党支部 80.6",
};
const card = (chart: CardChart): CardView => ({ header: { title: "支部情况" }, blocks: [chart] });

describe("chart blocks", () => {
  it("render as Feishu chart elements with the VChart spec as given", () => {
    const [el] = renderFeishu(card(line)).body.elements;
    expect(el).toEqual({ tag: "chart", chart_spec: trend.spec, aspect_ratio: "16:9", preview: true });
    // A fixed height (bars grow with rows) replaces the ratio, which Feishu would ignore anyway.
    const [tall] = renderFeishu(card(bar)).body.elements;
    expect(tall).toEqual({ tag: "chart", chart_spec: bars.spec, height: "112px", preview: true });
    // Nothing in a spec Feishu cannot take: no functions, only JSON values.
    expect(JSON.parse(JSON.stringify(trend.spec))).toEqual(trend.spec);
  });

  it("show their figures as text on DingTalk", () => {
    const { params } = renderDingTalk(card(line));
    expect(params.s1_md).toContain("近12个月出勤率（%）");
    expect(params.s1_md).toContain("11月 85.0%、12月 无会议");
  });

  it("are refused by the memory platform when the spec is not plain JSON or has no text", () => {
    expect(chartProblem(card(line))).toBeUndefined();
    const withCallback = { ...line, spec: { ...line.spec, formatter: (() => "x") as unknown as string } };
    expect(chartProblem(card(withCallback))).toMatch(/not plain JSON/);
    expect(chartProblem(card({ ...line, fallback: "" }))).toMatch(/no text fallback/);
  });
});
