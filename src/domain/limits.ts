/**
 * How much people may type, defined once: every command, form field and import column that keeps or
 * shows user text is checked against these before anything is written, and refused politely, naming
 * the field and its limit. Pure.
 *
 * Lengths are in characters as people count them (一个汉字、一个字母、一个表情都算一个字), not bytes.
 * The caps leave room on cards: Feishu refuses cards over 30 KB, and a card shows several of these.
 */

export interface TextLimit {
  /** The field as users know it, in the refusal. */
  label: string;
  max: number;
}

export const TEXT_LIMITS = {
  /** A chat command after its command word (安排 …, 第一议题 添加 …, 绑定 …). */
  commandText: { label: "指令内容", max: 2000 },
  /** 安排 …'s place, and the confirmation card's 新的地点. */
  meetingPlace: { label: "会议地点", max: 100 },
  /** The confirmation card's 新的时间 (read like 安排's time). */
  meetingTime: { label: "会议时间", max: 100 },
  /** 请假事由 on the confirmation and sign-in cards. */
  leaveReason: { label: "请假事由", max: 200 },
  /** 外出 …'s reason (出差、休假、病假…). */
  awayReason: { label: "外出事由", max: 50 },
  /** 说明 on the 补签/更正 form. */
  correctionReason: { label: "更正说明", max: 200 },
  /** 绑定 <支部名>, by command or on the join card. */
  branchName: { label: "支部名称", max: 100 },
  /** 第一议题 item: 添加 command, form and CSV import. */
  studyTitle: { label: "标题", max: 200 },
  studySource: { label: "来源", max: 100 },
  studyLink: { label: "链接", max: 1000 },
  studySummary: { label: "摘要", max: 2000 },
  /** 登记第一议题学习 form. */
  studyLeader: { label: "领学人", max: 50 },
  studyForm: { label: "学习形式", max: 50 },
  studyNotes: { label: "研讨发言", max: 2000 },
  studyMeasures: { label: "贯彻落实措施", max: 2000 },
} as const satisfies Record<string, TextLimit>;

/** Lists people type, one item a line. */
export const COUNT_LIMITS = {
  /** 贯彻落实措施: one a line. */
  measures: { label: "贯彻落实措施", max: 20, unit: "条" },
} as const satisfies Record<string, TextLimit & { unit: string }>;

/** Characters as people count them: a character outside the BMP (an emoji, a rare 汉字) is one. */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** “标题”过长（250 字，最多 200 字）: for lists of problems (a CSV line); undefined when it fits or is empty. */
export function overLimit(limit: TextLimit, value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  // Cheap first: a string of no more UTF-16 units than the cap cannot have more characters.
  if (value.length <= limit.max) return undefined;
  const n = charCount(value);
  if (n <= limit.max) return undefined;
  return `“${limit.label}”过长（${n} 字，最多 ${limit.max} 字）`;
}

/** The refusal for a text over its limit, as a sentence; undefined when it fits (or is empty). */
export function tooLong(limit: TextLimit, value: string | null | undefined): string | undefined {
  const problem = overLimit(limit, value);
  return problem ? `${problem}，请精简后重试。` : undefined;
}

/** The first refusal among several fields, in the order given. */
export function firstTooLong(
  checks: readonly (readonly [TextLimit, string | null | undefined])[],
): string | undefined {
  for (const [limit, value] of checks) {
    const problem = tooLong(limit, value);
    if (problem) return problem;
  }
  return undefined;
}

/** The refusal for a list over its limit, or undefined. */
export function tooMany(limit: TextLimit & { unit: string }, count: number): string | undefined {
  return count > limit.max
    ? `“${limit.label}”最多填写 ${limit.max} ${limit.unit}（现有 ${count} ${limit.unit}），请合并或精简后重试。`
    : undefined;
}

/** A short quote of what someone typed, for a reply that repeats it (“没有识别 …”). */
export function quote(text: string, max = 30): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max).join("")}…`;
}
