import { BRANCH_MEETING_KINDS, lookupByLabel, MEETING_KIND_LABELS, type MeetingKind } from "./labels.ts";
import { daysInclusive, PERIOD_UNIT_LABELS, PERIOD_UNITS, type Period, type PeriodUnit } from "./periods.ts";

/**
 * How often a branch must hold each kind of meeting (《中国共产党支部工作条例（试行）》 as organs apply
 * it), and an organisation's override from the roster file. Pure.
 */

export type BranchMeetingKind = (typeof BRANCH_MEETING_KINDS)[number];

export interface CadenceRule {
  per: PeriodUnit;
  /** At least this many in every period. */
  times: number;
}

/** null: this organisation does not require the kind (it is then left off status cards). */
export type CadenceRules = Readonly<Record<BranchMeetingKind, CadenceRule | null>>;

/** 党小组会 is required of every 党小组, not of the branch as a whole. */
export const PER_PARTY_GROUP: ReadonlySet<BranchMeetingKind> = new Set(["party_group"]);

export const DEFAULT_CADENCE: CadenceRules = {
  general_assembly: { per: "quarter", times: 1 },
  committee: { per: "month", times: 1 },
  party_group: { per: "month", times: 1 },
  party_lecture: { per: "quarter", times: 1 },
  theme_day: { per: "month", times: 1 },
  org_life: { per: "year", times: 1 },
  member_review: { per: "year", times: 1 },
};

/** 每季度至少 1 次 / 不作要求. */
export function describeRule(rule: CadenceRule | null): string {
  return rule ? `${PERIOD_UNIT_LABELS[rule.per]}至少 ${rule.times} 次` : "不作要求";
}

/**
 * Required meetings in `period` for a body (branch or 党小组) that exists from `activeFrom`. A period
 * it existed for only in part is prorated by days and rounded half up: a branch set up on 20 June owes
 * no June 支部委员会, one set up on 1 July still owes that year's 组织生活会 (184 of 365 days).
 */
export function requiredIn(rule: CadenceRule, period: Period, activeFrom: string): number {
  if (activeFrom <= period.start) return rule.times;
  if (activeFrom > period.end) return 0;
  const share = daysInclusive(activeFrom, period.end) / daysInclusive(period.start, period.end);
  return Math.floor(rule.times * share + 0.5);
}

// ── override from the roster file ───────────────────────────────────────────────────────────────

export type CadencePath = (string | number)[];
export interface CadenceProblem {
  path: CadencePath;
  message: string;
}
export type CadenceParse = { ok: true; rules: CadenceRules } | { ok: false; problems: CadenceProblem[] };

const UNIT_WORDS: Record<string, PeriodUnit> = {
  month: "month",
  月: "month",
  每月: "month",
  quarter: "quarter",
  季度: "quarter",
  每季度: "quarter",
  half_year: "half_year",
  "half-year": "half_year",
  半年: "half_year",
  每半年: "half_year",
  year: "year",
  年: "year",
  每年: "year",
};
const OFF_WORDS = new Set(["off", "none", "不要求", "不作要求"]);
const UNIT_HELP = PERIOD_UNITS.map((u) => `${u}（${PERIOD_UNIT_LABELS[u]}）`).join("、");
const MAX_TIMES = 12;

/** “每年 2 次”, “每半年1次”. */
const TIMES_TEXT = /^(每?(?:月|季度|半年|年))\s*(\d+)\s*次$/;

type RuleRead = { rule: CadenceRule | null } | { error: string; at?: string };

function readTimes(raw: unknown, name: string): number | { error: string } {
  const n = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
  if (typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= MAX_TIMES) return n;
  return { error: `${name} 的次数 “${String(raw)}” 无效，应为 1–${MAX_TIMES} 的整数` };
}

function readRule(raw: unknown, name: string): RuleRead {
  if (raw === false || (typeof raw === "string" && OFF_WORDS.has(raw.trim()))) return { rule: null };
  if (typeof raw === "string") {
    const text = raw.trim();
    const counted = TIMES_TEXT.exec(text);
    const per = UNIT_WORDS[counted ? (counted[1] ?? "") : text];
    if (!per) return { error: `${name} 的周期 “${text}” 无效，应为 ${UNIT_HELP}，或写作“每年 2 次”` };
    const times = counted ? readTimes(counted[2], name) : 1;
    return typeof times === "number" ? { rule: { per, times } } : times;
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { error: `${name} 应为周期（如 half_year）或 { per: year, times: 2 }，不能是 “${String(raw)}”` };
  }
  const o = raw as Record<string, unknown>;
  const unknownKey = Object.keys(o).find((k) => k !== "per" && k !== "times");
  if (unknownKey) return { error: `${name} 中有未知的项 “${unknownKey}”，可用：per、times`, at: unknownKey };
  if (o.per === undefined || o.per === null) return { error: `${name} 缺少 per（周期）`, at: "per" };
  const per = typeof o.per === "string" ? UNIT_WORDS[o.per.trim()] : undefined;
  if (!per) return { error: `${name} 的周期 “${String(o.per)}” 无效，应为 ${UNIT_HELP}`, at: "per" };
  const times = o.times === undefined ? 1 : readTimes(o.times, name);
  return typeof times === "number" ? { rule: { per, times } } : { ...times, at: "times" };
}

/** What one level (the organisation, a 党总支, a branch) changes: only the kinds it names. */
export type CadenceOverride = Partial<Record<BranchMeetingKind, CadenceRule | null>>;
export type CadenceOverrideParse =
  | { ok: true; override: CadenceOverride }
  | { ok: false; problems: CadenceProblem[] };

/**
 * Reads `cadence:` from the roster (already parsed YAML): keys are meeting kinds by code or Chinese
 * label, values a period (`half_year`, `每半年`), a count (`每年 2 次`, `{ per: year, times: 2 }`) or
 * `off`. Kinds not named keep `base`. Every problem is reported, each naming its key.
 */
export function parseCadence(raw: unknown, base: CadenceRules = DEFAULT_CADENCE): CadenceParse {
  const read = parseCadenceOverride(raw);
  return read.ok ? { ok: true, rules: applyCadence(base, read.override) } : read;
}

/**
 * The kinds `cadence:` names, in canonical order (the order of BRANCH_MEETING_KINDS, so the same
 * override always compares and stores the same), under `root` for messages (`branches[3].cadence`).
 */
export function parseCadenceOverride(raw: unknown, root: CadencePath = ["cadence"]): CadenceOverrideParse {
  if (raw === undefined || raw === null) return { ok: true, override: {} };
  if (typeof raw !== "object" || Array.isArray(raw)) {
    return {
      ok: false,
      problems: [{ path: root, message: "cadence 应为键值对，如 party_lecture: half_year" }],
    };
  }
  const rules: Partial<Record<string, CadenceRule | null>> = {};
  const problems: CadenceProblem[] = [];
  const seen = new Map<MeetingKind, string>();
  for (const [key, value] of Object.entries(raw)) {
    const path = [...root, key];
    const kind = lookupByLabel(MEETING_KIND_LABELS, key);
    if (!kind) {
      const known = BRANCH_MEETING_KINDS.map((k) => `${k}（${MEETING_KIND_LABELS[k]}）`).join("、");
      problems.push({ path, message: `未知的会议类型 “${key}”，可用：${known}` });
      continue;
    }
    if (!(BRANCH_MEETING_KINDS as readonly string[]).includes(kind)) {
      problems.push({ path, message: `${key}：${MEETING_KIND_LABELS[kind]}不是支部会议，不在此设置频次` });
      continue;
    }
    const earlier = seen.get(kind);
    if (earlier !== undefined) {
      problems.push({ path, message: `${key} 与 ${earlier} 是同一种会议，重复设置` });
      continue;
    }
    seen.set(kind, key);
    const read = readRule(value, key);
    if ("error" in read) problems.push({ path: read.at ? [...path, read.at] : path, message: read.error });
    else rules[kind] = read.rule;
  }
  if (problems.length > 0) return { ok: false, problems };
  const override: CadenceOverride = {};
  for (const kind of BRANCH_MEETING_KINDS) if (kind in rules) override[kind] = rules[kind] ?? null;
  return { ok: true, override };
}

export function sameRule(a: CadenceRule | null, b: CadenceRule | null): boolean {
  return a === b || (a !== null && b !== null && a.per === b.per && a.times === b.times);
}

/** `base` with what `override` names replaced. */
export function applyCadence(base: CadenceRules, override: CadenceOverride | null | undefined): CadenceRules {
  return override ? { ...base, ...override } : base;
}

/**
 * A branch's rules: the default, then the organisation's roster `cadence`, then its 党总支's, then
 * its own — each level changing only the kinds it names.
 */
export function resolveCadence(
  levels: readonly (CadenceOverride | null | undefined)[],
  base: CadenceRules = DEFAULT_CADENCE,
): CadenceRules {
  return levels.reduce<CadenceRules>((rules, o) => applyCadence(rules, o), base);
}

/** Kinds whose rule differs from `base`, for the card's note: “党课 每半年至少 1 次、主题党日 不作要求”. */
export function cadenceDifferences(rules: CadenceRules, base: CadenceRules = DEFAULT_CADENCE): string[] {
  return BRANCH_MEETING_KINDS.filter((k) => !sameRule(rules[k], base[k])).map(
    (k) => `${MEETING_KIND_LABELS[k]} ${describeRule(rules[k])}`,
  );
}
