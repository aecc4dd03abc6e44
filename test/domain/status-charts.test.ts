import { describe, expect, it } from "vitest";
import { attendanceTrend } from "../../src/domain/status-attendance.ts";
import { attendanceTrendChart, overviewScoreChart } from "../../src/domain/status-charts.ts";

const held = [
  { heldOn: "2026-01-10", present: 17, expected: 20 },
  { heldOn: "2026-01-20", present: 9, expected: 10 },
  { heldOn: "2026-03-05", present: 2, expected: 3 },
];

describe("attendance trend chart", () => {
  it("is a plain VChart line spec: numbers only, every month on the axis", () => {
    const trend = attendanceTrend(held, "2026-03-15");
    const chart = attendanceTrendChart(trend);
    expect(chart).toEqual({
      title: "近12个月出勤率（%）",
      aspectRatio: "16:9",
      spec: {
        type: "line",
        title: { visible: true, text: "近12个月出勤率（%）" },
        data: [
          {
            id: "attendance",
            values: [
              // (17 + 9) / 30
              { month: "1月", rate: 86.7 },
              { month: "3月", rate: 66.7 },
            ],
          },
        ],
        xField: "month",
        yField: "rate",
        point: { visible: true },
        label: { visible: true },
        axes: [
          {
            orient: "bottom",
            type: "band",
            domain: ["4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月", "1月", "2月", "3月"],
          },
          { orient: "left", type: "linear", min: 0, max: 100 },
        ],
      },
    });
    // Survives JSON as is: no functions, no undefined, no NaN.
    expect(JSON.parse(JSON.stringify(chart.spec))).toEqual(chart.spec);
  });

  it("has no data points when no meeting was held", () => {
    const chart = attendanceTrendChart(attendanceTrend([], "2026-03-15"));
    expect(chart.spec.data).toEqual([{ id: "attendance", values: [] }]);
  });
});

describe("organ overview chart", () => {
  const rows = [
    { name: "机关服务中心党支部", score: 12.5 },
    { name: "保卫处党支部", score: 60.5 },
    { name: "办公室党支部", score: 99 },
  ];

  it("is a horizontal bar per branch in the order given, scores 0–100", () => {
    expect(overviewScoreChart(rows)).toEqual({
      title: "各支部得分",
      height: "176px",
      spec: {
        type: "bar",
        direction: "horizontal",
        title: { visible: true, text: "各支部得分" },
        data: [
          {
            id: "scores",
            values: [
              { branch: "机关服务中心党支部", score: 12.5 },
              { branch: "保卫处党支部", score: 60.5 },
              { branch: "办公室党支部", score: 99 },
            ],
          },
        ],
        xField: "score",
        yField: "branch",
        label: { visible: true },
        axes: [
          { orient: "bottom", type: "linear", min: 0, max: 100 },
          { orient: "left", type: "band" },
        ],
      },
    });
  });

  it("draws only the worst bars of a large organ, within Feishu's 999 px", () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ name: `第${i + 1}党支部`, score: i / 5 }));
    const chart = overviewScoreChart(many);
    expect(chart.title).toBe("得分最低的 20 个支部");
    expect(chart.height).toBe("720px");
    const data = chart.spec.data as { values: { branch: string }[] }[];
    expect(data[0]?.values).toHaveLength(20);
    expect(data[0]?.values[19]?.branch).toBe("第20党支部");
    expect(overviewScoreChart(many, 40).height).toBe("999px");
  });
});
