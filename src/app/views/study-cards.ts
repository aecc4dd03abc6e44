import { MEETING_KIND_LABELS, type MeetingKind } from "../../domain/labels.ts";
import type { ItemTimeliness, StudyItemRef } from "../../domain/study.ts";
import type { CardBlock, CardView } from "../../platforms/types.ts";
import { formatDateTime } from "./format.ts";

export const STUDY_ACTIONS = { record: "study.record", add: "study.add" } as const;

export const STUDY_FORMS = ["原文领学", "研讨交流", "专题辅导", "集中观看", "个人自学后交流"] as const;

const titleLine = (i: { title: string; link: string | null; source: string; publishedOn: string }) =>
  `${i.link ? `[《${i.title}》](${i.link})` : `《${i.title}》`}（${i.source}，${i.publishedOn}）`;

/** Posted to every branch chat in scope when an item is added to the bank. */
export function studyNoticeCard(item: {
  title: string;
  source: string;
  publishedOn: string;
  link: string | null;
  summary: string | null;
}): CardView {
  const blocks: CardBlock[] = [
    {
      type: "fields",
      fields: [
        { label: "标题", value: `《${item.title}》` },
        { label: "来源", value: item.source },
        { label: "发表日期", value: item.publishedOn },
      ],
    },
  ];
  if (item.summary) blocks.push({ type: "markdown", text: item.summary });
  if (item.link) blocks.push({ type: "link", label: "阅读原文", url: item.link });
  blocks.push({ type: "note", text: "将作为下次会议第一议题，请支部提前准备领学。" });
  return { header: { title: "第一议题：新的学习材料", tone: "red" }, blocks };
}

/** A branch's 第一议题 at a glance: what is pending and how fast the last items were studied. */
export function branchStudyCard(
  branchName: string,
  pending: StudyItemRef[],
  recent: {
    title: string;
    source: string;
    publishedOn: string;
    meetingTitle: string;
    studiedOn: string;
    delay: number;
  }[],
  overdueIds: Set<string>,
): CardView {
  const blocks: CardBlock[] = [];
  blocks.push({
    type: "markdown",
    text: pending.length
      ? `**待学习（${pending.length}）**\n${pending.map((p, i) => `${i + 1}. ${titleLine(p)}${overdueIds.has(p.id) ? " ⚠️ 已逾期" : ""}`).join("\n")}`
      : "**待学习**：无，已全部学习。",
  });
  blocks.push({
    type: "markdown",
    text: recent.length
      ? `**最近学习**\n${recent.map((r) => `· 《${r.title}》：${r.studiedOn} ${r.meetingTitle}，发表后第 ${r.delay} 天学习`).join("\n")}`
      : "**最近学习**：暂无记录。",
  });
  return { header: { title: `第一议题：${branchName}`, tone: pending.length ? "orange" : "green" }, blocks };
}

/** For 机关党委: per item coverage and delays; per branch what is overdue. */
export function studyOverviewCard(
  items: ItemTimeliness[],
  branches: { name: string; overdue: string[]; unrecordedMeetings: number }[],
): CardView {
  const itemLines = items.length
    ? items
        .map((t) => {
          const delays =
            t.medianDelay === undefined ? "" : `，中位 ${t.medianDelay} 天，最长 ${t.longestDelay} 天`;
          const coverage =
            t.item.scope === "all" ? `${t.branchesStudied}/${t.branchesInScope} 个支部已学` : "仅党组/中心组";
          return `· 《${t.item.title}》（${t.item.publishedOn}）：${coverage}${delays}`;
        })
        .join("\n")
    : "学习材料库为空。";
  const late = branches.filter((b) => b.overdue.length > 0 || b.unrecordedMeetings > 0);
  const branchLines = late.length
    ? late
        .map((b) => {
          const parts = [];
          if (b.overdue.length)
            parts.push(`逾期未学 ${b.overdue.length} 项：${b.overdue.map((t) => `《${t}》`).join("、")}`);
          if (b.unrecordedMeetings) parts.push(`${b.unrecordedMeetings} 次会议未登记第一议题学习`);
          return `· ${b.name}：${parts.join("；")}`;
        })
        .join("\n")
    : "各支部均无逾期。";
  return {
    header: { title: "第一议题执行情况", tone: late.length ? "orange" : "green" },
    blocks: [
      { type: "markdown", text: `**按学习材料**\n${itemLines}` },
      { type: "divider" },
      { type: "markdown", text: `**按支部**\n${branchLines}` },
    ],
  };
}

/** Sent privately to the secretary when a meeting closes: record what was studied as its first agenda. */
export function studyRecordCard(
  meeting: { id: string; title: string; kind: MeetingKind; startsAt: Date; timeZone: string },
  pending: StudyItemRef[],
  recorded?: { titles: string[]; by: string },
): CardView {
  const header = {
    title: `登记第一议题学习：${meeting.title}`,
    subtitle: formatDateTime(meeting.startsAt, meeting.timeZone),
    tone: "red" as const,
  };
  if (recorded) {
    return {
      header: { ...header, title: `已登记第一议题：${meeting.title}`, tone: "green" },
      blocks: [
        {
          type: "markdown",
          text: `${recorded.titles.map((t) => `《${t}》`).join("、")}\n登记人：${recorded.by}`,
        },
      ],
    };
  }
  if (pending.length === 0) {
    return {
      header,
      blocks: [
        {
          type: "note",
          text: `本次${MEETING_KIND_LABELS[meeting.kind]}召开时没有待学习的第一议题材料，无需登记。`,
        },
      ],
    };
  }
  return {
    header,
    blocks: [
      {
        type: "markdown",
        text: `本次会议应以以下材料为第一议题：\n${pending.map((p, i) => `${i + 1}. ${titleLine(p)}`).join("\n")}`,
      },
      {
        type: "form",
        name: "study_record",
        inputs: [
          {
            name: "items",
            label: "已学习的材料",
            required: true,
            options: pending.map((p) => ({ value: p.id, label: `《${p.title}》` })),
            initialValues: pending.map((p) => p.id),
          },
          { name: "led_by", label: "领学人", placeholder: "姓名", required: true },
          {
            name: "form",
            label: "学习形式",
            required: true,
            options: STUDY_FORMS.map((f) => ({ value: f, label: f })),
            single: true,
            initialValues: ["原文领学"],
          },
          { name: "notes", label: "研讨发言", placeholder: "发言要点，可多行", multiline: true },
          {
            name: "measures",
            label: "贯彻落实措施",
            placeholder: "每行一条：措施内容 — 责任人",
            multiline: true,
          },
        ],
        submit: { label: "提交登记", value: { action: STUDY_ACTIONS.record, meeting: meeting.id } },
      },
      { type: "note", text: "未勾选的材料将保留为下次会议的第一议题。" },
    ],
  };
}

/** 第一议题 添加 without details: a form for 机关党委 staff to fill in instead of typing the line. */
export function studyAddFormCard(): CardView {
  return {
    header: { title: "添加第一议题学习材料", tone: "red" },
    blocks: [
      {
        type: "form",
        name: "study_add",
        inputs: [
          { name: "title", label: "标题", placeholder: "如：在中央经济工作会议上的讲话", required: true },
          { name: "published_on", label: "发表日期", placeholder: "YYYY-MM-DD", required: true },
          { name: "source", label: "来源", placeholder: "如：新华社、人民日报、《求是》", required: true },
          { name: "link", label: "链接", placeholder: "https://…" },
          { name: "summary", label: "摘要/重点段落", multiline: true },
          {
            name: "scope",
            label: "适用范围",
            single: true,
            required: true,
            options: [
              { value: "all", label: "全部支部" },
              { value: "leading_group", label: "仅党组会/理论学习中心组" },
            ],
            initialValues: ["all"],
          },
        ],
        submit: { label: "添加", value: { action: STUDY_ACTIONS.add } },
      },
      { type: "note", text: "添加后，范围内各支部下次会议将以此为第一议题，并在支部群发送通知。" },
    ],
  };
}

export function studyAddedCard(
  item: { title: string; source: string; publishedOn: string },
  by: string,
): CardView {
  return {
    header: { title: "已添加第一议题学习材料", tone: "green" },
    blocks: [
      {
        type: "markdown",
        text: `《${escapeTitle(item.title)}》（${item.source}，${item.publishedOn}）\n添加人：${by}`,
      },
    ],
  };
}

const escapeTitle = (t: string) => t.replace(/[*_`[\]]/g, "");
