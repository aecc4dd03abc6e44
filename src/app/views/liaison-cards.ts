/** 联系点 cards and lines, platform-neutral. Pure: everything they show comes in as arguments. */
import { dayLabel, monthLabel } from "../../domain/liaison-calendar.ts";
import { PROBLEM_LINE_HINT } from "../../domain/liaison-problem-lines.ts";
import { PROBLEM_STATUS_LABELS, type ProblemStatus } from "../../domain/liaison-problems.ts";
import {
  CONTACT_METHOD_LABELS,
  CONTACT_METHODS,
  type Contact,
  LIAISON_FORM_FIELDS as F,
} from "../../domain/liaison-report.ts";
import { type LiaisonStats, MONTH_STATUS_LABELS } from "../../domain/liaison-stats.ts";
import type { CardBlock, CardInput, CardView } from "../../platforms/types.ts";

export const LIAISON_ACTIONS = {
  submit: "liaison.submit",
  edit: "liaison.edit",
  open: "liaison.open",
  problem: "liaison.problem",
} as const;

export interface ReportOnCard {
  contacts: readonly Contact[];
  otherMethod: string | null;
  learned: string | null;
  guidance: string | null;
  noContactReason: string | null;
  /** The problems box as typed back: one line per problem with its owner. */
  problemsText: string;
}

export interface FormCardInput {
  leaderName: string;
  branchId: string;
  branchName: string;
  month: string;
  /** From timeLeftText: the deadline and the working days left. */
  timeLeft: string;
  /** A filed report being changed: the form starts from it. */
  initial?: ReportOnCard;
  /** Header when the card is a nudge rather than the first card. */
  nudge?: { workdaysLeft: number };
}

const datesOf = (contacts: readonly Contact[], method: string) =>
  contacts
    .filter((c) => c.method === method)
    .map((c) => dayLabel(c.day))
    .join("、");

/** The monthly form: ways of keeping in touch with dates, what was learned, guidance, problems. */
export function liaisonFormCard(input: FormCardInput): CardView {
  const { initial } = input;
  const title = input.nudge
    ? `提醒：请填报${monthLabel(input.month)}联系点情况（${input.branchName}）`
    : initial
      ? `修改${monthLabel(input.month)}联系点情况（${input.branchName}）`
      : `${monthLabel(input.month)}联系点情况：${input.branchName}`;
  const picked = initial
    ? CONTACT_METHODS.filter(
        (m) => initial.contacts.some((c) => c.method === m) || (m === "other" && initial.otherMethod),
      )
    : [];
  const inputs: CardInput[] = [
    {
      name: F.methods,
      label: "联系方式（可多选）",
      options: CONTACT_METHODS.map((m) => ({ value: m, label: CONTACT_METHOD_LABELS[m] })),
      initialValues: picked,
    },
    ...CONTACT_METHODS.map(
      (m): CardInput => ({
        name: F.date(m),
        label: `${CONTACT_METHOD_LABELS[m]}日期`,
        placeholder: "如 10月15日，多个日期用顿号隔开",
        ...(initial && datesOf(initial.contacts, m) ? { initial: datesOf(initial.contacts, m) } : {}),
      }),
    ),
    {
      name: F.otherMethod,
      label: "其他联系方式（选“其他”时填写）",
      ...(initial?.otherMethod ? { initial: initial.otherMethod } : {}),
    },
    {
      name: F.learned,
      label: "了解到的情况",
      multiline: true,
      placeholder: "支部班子、党员队伍、制度执行、中心工作等",
      ...(initial?.learned ? { initial: initial.learned } : {}),
    },
    {
      name: F.guidance,
      label: "指导意见",
      multiline: true,
      ...(initial?.guidance ? { initial: initial.guidance } : {}),
    },
    {
      name: F.problems,
      label: "发现的问题（每行一条）",
      multiline: true,
      placeholder: "党员发展材料归档不全 @支部",
      ...(initial?.problemsText ? { initial: initial.problemsText } : {}),
    },
    {
      name: F.noContact,
      label: "本月未能联系",
      options: [{ value: "true", label: "本月未能联系" }],
      initialValues: initial?.noContactReason ? ["true"] : [],
    },
    {
      name: F.noContactReason,
      label: "未能联系的原因",
      ...(initial?.noContactReason ? { initial: initial.noContactReason } : {}),
    },
  ];
  return {
    header: {
      title,
      subtitle: input.leaderName,
      tone: input.nudge ? "orange" : "red",
    },
    blocks: [
      { type: "markdown", text: input.timeLeft },
      {
        type: "form",
        name: "liaison_report",
        inputs,
        submit: {
          label: initial ? "保存修改" : "提交",
          value: { action: LIAISON_ACTIONS.submit, branch: input.branchId, month: input.month },
        },
      },
      { type: "note", text: PROBLEM_LINE_HINT },
    ],
  };
}

export interface FiledProblemLine {
  description: string;
  ownerLabel: string;
  status: ProblemStatus;
}

/** What the form turns into once filed: a read-only summary, with 修改 while edits are allowed. */
export function liaisonFiledCard(input: {
  leaderName: string;
  branchId: string;
  branchName: string;
  month: string;
  report: ReportOnCard;
  problems: readonly FiledProblemLine[];
  filedOn: string;
  late: boolean;
  /** The 1st of the month after next; undefined once edits are closed. */
  editableUntil: string | undefined;
  edited?: boolean;
}): CardView {
  const { report } = input;
  const contactLines = report.noContactReason
    ? `本月未能联系：${report.noContactReason}`
    : CONTACT_METHODS.filter((m) => report.contacts.some((c) => c.method === m))
        .map(
          (m) =>
            `${m === "other" && report.otherMethod ? `其他（${report.otherMethod}）` : CONTACT_METHOD_LABELS[m]}：${datesOf(report.contacts, m)}`,
        )
        .join("\n");
  const blocks: CardBlock[] = [{ type: "markdown", text: `**联系情况**\n${contactLines || "—"}` }];
  if (report.learned) blocks.push({ type: "markdown", text: `**了解到的情况**\n${report.learned}` });
  if (report.guidance) blocks.push({ type: "markdown", text: `**指导意见**\n${report.guidance}` });
  blocks.push({
    type: "markdown",
    text: input.problems.length
      ? `**发现的问题（${input.problems.length}）**\n${input.problems
          .map((p, i) => `${i + 1}. ${p.description}（${p.ownerLabel}，${PROBLEM_STATUS_LABELS[p.status]}）`)
          .join("\n")}`
      : "**发现的问题**：无",
  });
  blocks.push({
    type: "note",
    text: `${input.filedOn} 填报${input.late ? "（补报）" : ""}${input.edited ? "，已修改" : ""}。${
      input.editableUntil
        ? `${input.editableUntil.slice(0, 4)}年${dayLabel(input.editableUntil)}前可修改。`
        : "已过修改期限，如需更正请联系机关党委。"
    }`,
  });
  if (input.editableUntil)
    blocks.push({
      type: "buttons",
      buttons: [
        {
          label: "修改",
          value: { action: LIAISON_ACTIONS.edit, branch: input.branchId, month: input.month },
        },
      ],
    });
  return {
    header: {
      title: `已填报${monthLabel(input.month)}联系点情况：${input.branchName}`,
      subtitle: input.leaderName,
      tone: "green",
    },
    blocks,
  };
}

/** Several liaison branches and no chat to tell which: one button per branch. */
export function liaisonChooseCard(
  branches: readonly { id: string; name: string }[],
  month: string,
): CardView {
  return {
    header: { title: `填报${monthLabel(month)}联系点情况：请选择支部`, tone: "red" },
    blocks: [
      {
        type: "buttons",
        buttons: branches.map((b) => ({
          label: b.name,
          value: { action: LIAISON_ACTIONS.open, branch: b.id, month },
        })),
      },
    ],
  };
}

/** To the branch's 书记, privately: short, no content (the update is the leader's). */
export function secretaryNoteText(
  leaderName: string,
  branchName: string,
  month: string,
  problems: number,
): string {
  return `${leaderName}已填报${monthLabel(month)}对${branchName}的联系点情况${
    problems > 0 ? `，反映问题 ${problems} 条，请留意问题办理卡片` : ""
  }。`;
}

/** For the 机关党委 the first working day after the deadline: who filed, who did not. */
export function liaisonSummaryCard(input: {
  month: string;
  deadline: string;
  onTime: readonly string[];
  late: readonly string[];
  missing: readonly string[];
}): CardView {
  const list = (xs: readonly string[]) => (xs.length ? xs.join("、") : "无");
  return {
    header: {
      title: `${monthLabel(input.month)}联系点情况填报汇总`,
      subtitle: `截止日期 ${input.deadline}`,
      tone: input.missing.length ? "orange" : "green",
    },
    blocks: [
      {
        type: "fields",
        fields: [
          { label: `按时填报（${input.onTime.length}）`, value: list(input.onTime) },
          { label: `补报（${input.late.length}）`, value: list(input.late) },
          { label: `未填报（${input.missing.length}）`, value: list(input.missing) },
        ],
      },
      { type: "note", text: "发送“联系点 情况”可查看全年各月填报与问题办理情况。" },
    ],
  };
}

export function researchReminderText(
  branchName: string,
  year: number,
  done: number,
  required: number,
): string {
  return `【调研提醒】按规定每年至少到联系点调研 ${required} 次。您${year}年到${branchName}调研 ${done} 次，请在年底前安排；调研后在当月联系点情况中勾选“调研”并填写日期。`;
}

export interface ProblemOnCard {
  id: string;
  description: string;
  branchName: string;
  leaderName: string;
  month: string;
  raisedOn: string;
  ownerLabel: string | null;
  ownerName: string | null;
  status: ProblemStatus;
  resolution: string | null;
  resolvedOn: string | null;
  coordinationNeed: string | null;
}

const problemFields = (p: ProblemOnCard) => ({
  type: "fields" as const,
  fields: [
    { label: "支部", value: p.branchName },
    { label: "反映人", value: `${p.leaderName}（${monthLabel(p.month)}联系点情况，${p.raisedOn}）` },
    { label: "负责", value: [p.ownerLabel, p.ownerName].filter(Boolean).join(" · ") || "—" },
    { label: "状态", value: PROBLEM_STATUS_LABELS[p.status] },
  ],
});

/** To the problem's owner: 处理中 / 已解决 (解决情况 required) / 需要协调 (what is needed). */
export function problemCard(
  p: ProblemOnCard,
  options: { overdueDays?: number; note?: string } = {},
): CardView {
  const blocks: CardBlock[] = [{ type: "markdown", text: p.description }, problemFields(p)];
  if (p.coordinationNeed && p.status === "needs_coordination")
    blocks.push({ type: "markdown", text: `**需要协调**：${p.coordinationNeed}` });
  if (p.status === "resolved") {
    blocks.push({ type: "markdown", text: `**解决情况**（${p.resolvedOn}）：${p.resolution ?? ""}` });
    return {
      header: { title: `问题已解决：${p.branchName}`, tone: "green" },
      blocks,
    };
  }
  if (options.note) blocks.push({ type: "note", text: options.note });
  blocks.push({
    type: "form",
    name: "liaison_problem",
    inputs: [
      {
        name: "status",
        label: "办理状态",
        single: true,
        required: true,
        options: (["in_progress", "resolved", "needs_coordination"] as const).map((s) => ({
          value: s,
          label: PROBLEM_STATUS_LABELS[s],
        })),
      },
      {
        name: "text",
        label: "说明（已解决时填写解决情况；需要协调时写明需协调的事项）",
        multiline: true,
      },
    ],
    submit: { label: "提交", value: { action: LIAISON_ACTIONS.problem, problem: p.id } },
  });
  return {
    header: {
      title:
        options.overdueDays !== undefined
          ? `问题已 ${options.overdueDays} 天未解决：${p.branchName}`
          : `请办理联系点反映的问题：${p.branchName}`,
      tone: options.overdueDays !== undefined ? "red" : "orange",
    },
    blocks,
  };
}

/** One line in the branch's chat when a problem is solved (事事有回音). */
export function resolvedReplyText(p: ProblemOnCard, resolution: string): string {
  return `【问题回音】${p.leaderName}在${monthLabel(p.month)}联系点情况中反映的“${p.description}”已解决：${resolution}`;
}

export function resolvedRaiserText(p: ProblemOnCard, resolution: string, by: string): string {
  return `您反映的${p.branchName}问题“${p.description}”已由${by}标记为已解决：${resolution}`;
}

export function coordinationText(p: ProblemOnCard, need: string, by: string): string {
  return `【需要协调】${p.branchName}的问题“${p.description}”（${p.leaderName}反映）由${by}提出需要机关党委协调：${need}`;
}

/** `问题`: open (or all) problems of a branch or of the asker. */
export function problemListCard(
  title: string,
  problems: readonly ProblemOnCard[],
  today: string,
  overdueDays: number,
  options: { emptyText: string },
): CardView {
  const lines = problems.map((p, i) => {
    const days = Math.round((Date.parse(today) - Date.parse(p.raisedOn)) / 86_400_000);
    const overdue = p.status !== "resolved" && days > overdueDays ? ` ⚠️ 已 ${days} 天` : "";
    const owner = [p.ownerLabel, p.ownerName].filter(Boolean).join(" · ");
    return `${i + 1}. ${p.description}（${p.branchName}；${owner || "—"}；${PROBLEM_STATUS_LABELS[p.status]}）${overdue}`;
  });
  return {
    header: { title, tone: problems.some((p) => p.status !== "resolved") ? "orange" : "green" },
    blocks: [{ type: "markdown", text: lines.length ? lines.join("\n") : options.emptyText }],
  };
}

/** `联系点 情况`: per leader × month, and the year's figures. */
export function liaisonOverviewCard(
  year: number,
  stats: LiaisonStats,
  names: (leaderId: string, branchId: string) => { leader: string; branch: string },
  /** Months after this one (1–12) have not begun and are left out. */
  lastMonth = 12,
): CardView {
  if (stats.rows.length === 0)
    return {
      header: { title: `${year}年联系点情况`, tone: "grey" },
      blocks: [{ type: "markdown", text: "没有联系点记录。" }],
    };
  const blocks: CardBlock[] = stats.rows.map((r) => {
    const n = names(r.leaderId, r.branchId);
    const months = r.months
      .map((m, i) => (m === "not_assigned" || i >= lastMonth ? "" : `${i + 1}月${MONTH_STATUS_LABELS[m]}`))
      .filter(Boolean)
      .join(" ");
    const median = r.medianDaysToResolve === undefined ? "—" : `${r.medianDaysToResolve} 天`;
    return {
      type: "markdown",
      text:
        `**${n.leader} → ${n.branch}**\n${months}\n` +
        `已报 ${r.filed}，补报 ${r.late}，未报 ${r.missing}；到支部 ${r.visits} 次，调研 ${r.research}/${r.researchRequired}${r.researchMet ? "" : " ⚠️"}；` +
        `问题 反映 ${r.problemsRaised}，解决 ${r.problemsResolved}，逾期 ${r.problemsOverdue}，办结中位 ${median}`,
    };
  });
  const t = stats.total;
  blocks.push({ type: "divider" });
  blocks.push({
    type: "note",
    text: `合计：已报 ${t.filed}，补报 ${t.late}，未报 ${t.missing}；调研 ${t.research}；问题 反映 ${t.problemsRaised}，解决 ${t.problemsResolved}，逾期 ${t.problemsOverdue}，办结中位 ${t.medianDaysToResolve ?? "—"}${t.medianDaysToResolve === undefined ? "" : " 天"}`,
  });
  return {
    header: { title: `${year}年联系点情况`, tone: t.missing || t.problemsOverdue ? "orange" : "green" },
    blocks,
  };
}
