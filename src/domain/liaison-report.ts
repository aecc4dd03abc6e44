import { lookupByLabel } from "./labels.ts";
import { dayLabel, lastDayOfMonth, monthLabel } from "./liaison-calendar.ts";
import { type OwnerContext, type ProblemLine, parseProblemLines } from "./liaison-problem-lines.ts";
import { isValidDate } from "./roster.ts";

/**
 * The monthly 联系点 form as the card returns it (a record of string | string[]), read into a report.
 * Every mistake is collected, so the leader fixes them all in one go rather than one per submit.
 */

export const CONTACT_METHODS = ["org_life", "lecture", "research", "talk", "remote", "other"] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

export const CONTACT_METHOD_LABELS: Record<ContactMethod, string> = {
  org_life: "参加组织生活",
  lecture: "讲党课",
  research: "调研",
  talk: "谈心谈话",
  remote: "电话或线上了解",
  other: "其他",
};

/** The leader was there in person: these count as visits (到联系点) in the statistics. */
export const IN_PERSON_METHODS: readonly ContactMethod[] = ["org_life", "lecture", "research", "talk"];

/** Field names the app's card must use; each method's dates go in `date_<method>`. */
export const LIAISON_FORM_FIELDS = {
  methods: "methods",
  date: (m: ContactMethod) => `date_${m}`,
  otherMethod: "other_method",
  learned: "learned",
  guidance: "guidance",
  problems: "problems",
  noContact: "no_contact",
  noContactReason: "no_contact_reason",
} as const;

export const LIAISON_LIMITS = { textChars: 2000, reasonChars: 500, otherMethodChars: 100 } as const;

export interface Contact {
  method: ContactMethod;
  day: string;
}

export interface LiaisonReportInput {
  month: string;
  /** Sorted by day, then by method order. Empty when the leader could not keep in touch. */
  contacts: Contact[];
  /** What 其他 was, when it was picked. */
  otherMethod: string | undefined;
  learned: string;
  guidance: string;
  problems: ProblemLine[];
  /** Set exactly when “本月未能联系” was ticked. */
  noContactReason: string | undefined;
}

export interface LiaisonFormContext extends OwnerContext {
  reportMonth: string;
  today: string;
}

export type LiaisonFormResult =
  | { ok: true; report: LiaisonReportInput }
  | { ok: false; problems: string[]; message: string };

type Form = Readonly<Record<string, string | string[] | undefined>> | undefined;

function text(form: Form, name: string): string {
  const v = form?.[name];
  return (Array.isArray(v) ? v.join("\n") : (v ?? "")).normalize("NFC").trim();
}

function list(form: Form, name: string): string[] {
  const v = form?.[name];
  return (Array.isArray(v) ? v : v ? [v] : []).map((s) => s.trim()).filter(Boolean);
}

/** A checkbox comes back as "true", as its option's value, or as a list holding it. */
function ticked(form: Form, name: string): boolean {
  return list(form, name).some((v) => !["false", "0", "no", "off", "否"].includes(v.toLowerCase()));
}

// 2026-10-15, 2026/10/15, 2026年10月15日, 10月15日, 10-15, 10.15, 15日, 15号, 15.
const DATE_RE = /(?<!\d)(?:(\d{4})\s*[-/.年]\s*)?(?:(\d{1,2})\s*[-/.月]\s*)?(\d{1,2})(?!\d)\s*[日号]?/g;

/** Dates typed for one method: each inside the report month and not after today. */
export function parseContactDates(
  raw: string,
  reportMonth: string,
  today: string,
  label: string,
): { ok: true; days: string[] } | { ok: false; problems: string[] } {
  const input = raw.normalize("NFKC");
  const problems: string[] = [];
  const days = new Set<string>();
  const last = lastDayOfMonth(reportMonth);
  for (const m of input.matchAll(DATE_RE)) {
    const year = m[1] ?? reportMonth.slice(0, 4);
    const month = (m[2] ?? reportMonth.slice(5, 7)).padStart(2, "0");
    const day = `${year}-${month}-${(m[3] ?? "").padStart(2, "0")}`;
    // "2026-10" is a month, not the 10th of one: a year needs a month and a day.
    if ((m[1] && !m[2]) || !isValidDate(day)) problems.push(`“${label}”的日期“${m[0].trim()}”无效`);
    else if (day < reportMonth || day > last)
      problems.push(`“${label}”的日期 ${dayLabel(day)} 不在${monthLabel(reportMonth)}内`);
    else if (day > today) problems.push(`“${label}”的日期 ${dayLabel(day)} 还没有到`);
    else days.add(day);
  }
  const leftover = input.replace(DATE_RE, "").replace(/[\s,;、，；和及]+/g, "");
  if (leftover) problems.push(`“${label}”的日期中有看不懂的内容“${leftover}”，请写成 10月15日 或 2026-10-15`);
  else if (days.size === 0 && problems.length === 0) problems.push(`选择了“${label}”，请填写日期`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, days: [...days].sort() };
}

function capped(value: string, name: string, max: number, problems: string[]): string {
  if (value.length > max)
    problems.push(`“${name}”过长（${value.length} 字，最多 ${max} 字），请精简后再提交`);
  return value;
}

/**
 * Reads a submitted form. A method with dates but no tick is taken as picked (people fill the date
 * and forget the box); “本月未能联系” needs a reason and excludes any contact. Problems may be
 * reported either way: a leader can pass on what he heard even in a month he could not go.
 */
export function parseLiaisonForm(form: Form, ctx: LiaisonFormContext): LiaisonFormResult {
  const F = LIAISON_FORM_FIELDS;
  const problems: string[] = [];
  const picked = new Set<ContactMethod>();
  for (const v of list(form, F.methods)) {
    const method = lookupByLabel(CONTACT_METHOD_LABELS, v);
    if (method) picked.add(method);
    else problems.push(`不认识的联系方式“${v}”，请刷新卡片后重新选择`);
  }
  for (const m of CONTACT_METHODS) if (text(form, F.date(m))) picked.add(m);

  const noContact = ticked(form, F.noContact);
  const reason = capped(
    text(form, F.noContactReason),
    "未能联系的原因",
    LIAISON_LIMITS.reasonChars,
    problems,
  );
  const contacts: Contact[] = [];
  if (noContact) {
    if (!reason) problems.push("勾选了“本月未能联系”，请写明原因");
    if (picked.size > 0)
      problems.push(
        `勾选了“本月未能联系”，就不能同时填写联系方式（${[...picked].map((m) => CONTACT_METHOD_LABELS[m]).join("、")}）`,
      );
  } else if (picked.size === 0) {
    problems.push("请选择至少一种联系方式并填写日期；本月确实未能联系的，请勾选“本月未能联系”并写明原因");
  }
  for (const method of CONTACT_METHODS) {
    if (noContact || !picked.has(method)) continue;
    const dates = parseContactDates(
      text(form, F.date(method)),
      ctx.reportMonth,
      ctx.today,
      CONTACT_METHOD_LABELS[method],
    );
    if (dates.ok) for (const day of dates.days) contacts.push({ method, day });
    else problems.push(...dates.problems);
  }
  contacts.sort(
    (a, b) =>
      a.day.localeCompare(b.day) || CONTACT_METHODS.indexOf(a.method) - CONTACT_METHODS.indexOf(b.method),
  );

  const otherMethod = capped(
    text(form, F.otherMethod),
    "其他联系方式",
    LIAISON_LIMITS.otherMethodChars,
    problems,
  );
  if (picked.has("other") && !noContact && !otherMethod) problems.push("选择了“其他”，请写明是哪种联系方式");
  const learned = capped(text(form, F.learned), "了解到的情况", LIAISON_LIMITS.textChars, problems);
  if (!noContact && !learned) problems.push("请填写“了解到的情况”");
  const guidance = capped(text(form, F.guidance), "指导意见", LIAISON_LIMITS.textChars, problems);
  const lines = parseProblemLines(text(form, F.problems), ctx);
  if (!lines.ok) problems.push(...lines.problems);

  if (problems.length > 0 || !lines.ok) {
    const numbered = problems.map((p, i) => `${i + 1}. ${p}`).join("\n");
    return { ok: false, problems, message: `提交未成功，请修改以下内容后再提交：\n${numbered}` };
  }
  return {
    ok: true,
    report: {
      month: ctx.reportMonth,
      contacts,
      otherMethod: picked.has("other") ? otherMethod : undefined,
      learned,
      guidance,
      problems: lines.lines,
      noContactReason: noContact ? reason : undefined,
    },
  };
}
