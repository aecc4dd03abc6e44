import type { TrendPoint } from "./status-attendance.ts";

/**
 * VChart specs for the Feishu card 2.0 chart element, as plain JSON. The platform's card renderer wraps
 * one as `{ tag: "chart", chart_spec, aspect_ratio | height }`.
 *
 * What the docs say, and why the specs stay this small:
 * - Feishu 图表组件 (open.larkoffice.com/document/feishu-cards/card-json-v2-components/content-components/chart):
 *   `chart_spec` is a VChart spec; "图表组件暂不支持 JavaScript 语法" — so no formatMethod or other
 *   callbacks; some VChart properties (bar texture, conical gradients, svg bar backgrounds…) make the
 *   mobile client fail to load the chart; at most about five charts per card. Element fields:
 *   `aspect_ratio` 1:1 / 2:1 / 4:3 / 16:9 (default 16:9 on PC, 1:1 on mobile), or `height` "auto" or
 *   1–999 px (then the ratio is ignored); Feishu adds its own media queries unless `media: []`.
 * - VChart (visactor.io/vchart/option, docs/assets in VisActor/VChart): line and bar charts take
 *   `data.values`, `xField`/`yField`; a horizontal bar chart sets `direction: "horizontal"` with the
 *   value in `xField` and the category in `yField`; a linear axis takes `min`/`max`; a band (discrete)
 *   axis takes `domain` to fix its categories; `label.visible` shows data labels. Label `formatter`
 *   templates exist only from VChart 1.7, so values are shown as plain numbers and the unit goes in
 *   the title.
 * No theme or colours: Feishu's `color_theme` default follows the client's theme (dark mode included).
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface StatusChart {
  /** Also the text to show where charts are not rendered (DingTalk, notifications). */
  title: string;
  spec: { [key: string]: Json };
  aspectRatio?: "1:1" | "2:1" | "4:3" | "16:9";
  /** "420px": for a bar chart whose height grows with its rows. */
  height?: string;
}

/**
 * The 12-month attendance line. Months without a meeting are left out of the data (values must be
 * numbers; "no meeting" is not 0%) but kept on the axis through its `domain`, so the gap shows where
 * it is; the line joins the months either side.
 */
export function attendanceTrendChart(trend: readonly TrendPoint[]): StatusChart {
  const title = "近12个月出勤率（%）";
  const values: Json[] = trend.flatMap((p) =>
    p.ratePercent === null ? [] : [{ month: p.label, rate: p.ratePercent }],
  );
  return {
    title,
    aspectRatio: "16:9",
    spec: {
      type: "line",
      title: { visible: true, text: title },
      data: [{ id: "attendance", values }],
      xField: "month",
      yField: "rate",
      point: { visible: true },
      label: { visible: true },
      axes: [
        { orient: "bottom", type: "band", domain: trend.map((p) => p.label) },
        { orient: "left", type: "linear", min: 0, max: 100 },
      ],
    },
  };
}

/** A bar per branch this tall, plus room for the title and the axis. */
const BAR_ROW_PX = 32;
const BAR_CHROME_PX = 80;
const MAX_HEIGHT_PX = 999;
/** More bars than this are unreadable on a phone; the card's rows list the rest. */
export const OVERVIEW_CHART_MAX_BARS = 20;

/**
 * The organ overview: one horizontal bar per branch, score 0–100, in the order given (pass the rows
 * already sorted worst first; only the first `maxBars` are drawn).
 */
export function overviewScoreChart(
  rows: readonly { name: string; score: number }[],
  maxBars = OVERVIEW_CHART_MAX_BARS,
): StatusChart {
  const shown = rows.slice(0, maxBars);
  const title = rows.length > shown.length ? `得分最低的 ${shown.length} 个支部` : "各支部得分";
  const height = Math.min(MAX_HEIGHT_PX, BAR_CHROME_PX + BAR_ROW_PX * Math.max(1, shown.length));
  return {
    title,
    height: `${height}px`,
    spec: {
      type: "bar",
      direction: "horizontal",
      title: { visible: true, text: title },
      data: [{ id: "scores", values: shown.map((r) => ({ branch: r.name, score: r.score })) }],
      xField: "score",
      yField: "branch",
      label: { visible: true },
      axes: [
        { orient: "bottom", type: "linear", min: 0, max: 100 },
        { orient: "left", type: "band" },
      ],
    },
  };
}
