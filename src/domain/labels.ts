/** Chinese labels for the enums users see, and the reverse look-ups parsers need. */

export const MEMBER_ROLES = [
  "secretary",
  "deputy_secretary",
  "committee_member",
  "member",
  "probationary",
] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export const MEMBER_ROLE_LABELS: Record<MemberRole, string> = {
  secretary: "书记",
  deputy_secretary: "副书记",
  committee_member: "委员",
  member: "党员",
  probationary: "预备党员",
};

/** Roles that may schedule and close meetings, correct attendance and record first-agenda study. */
export const COMMITTEE_ROLES: readonly MemberRole[] = ["secretary", "deputy_secretary", "committee_member"];

export const BRANCH_KINDS = ["general_branch", "branch"] as const;
export type BranchKind = (typeof BRANCH_KINDS)[number];
export const BRANCH_KIND_LABELS: Record<BranchKind, string> = {
  general_branch: "党总支",
  branch: "党支部",
};

export const MEETING_KINDS = [
  "general_assembly",
  "committee",
  "party_group",
  "party_lecture",
  "theme_day",
  "org_life",
  "member_review",
  "leading_group",
  "central_group",
] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

/** The kinds a branch holds itself (三会一课 and the rest); 党组会 and 中心组 belong to the organ. */
export const BRANCH_MEETING_KINDS = MEETING_KINDS.filter(
  (k): k is Exclude<MeetingKind, "leading_group" | "central_group"> =>
    k !== "leading_group" && k !== "central_group",
);

export const MEETING_KIND_LABELS: Record<MeetingKind, string> = {
  general_assembly: "支部党员大会",
  committee: "支部委员会",
  party_group: "党小组会",
  party_lecture: "党课",
  theme_day: "主题党日",
  org_life: "组织生活会",
  member_review: "民主评议党员",
  leading_group: "党组会",
  central_group: "理论学习中心组学习",
};

/**
 * How a meeting is called in running text: “支部党员大会”, “第一党小组党小组会”, or
 * “党课「新时代的机关作风」” — the kind is never said twice.
 */
export function meetingName(kind: MeetingKind, title: string): string {
  const label = MEETING_KIND_LABELS[kind];
  return title.includes(label) ? title : `${label}「${title}」`;
}

/** Accepts a code or its Chinese label; undefined when neither. */
export function lookupByLabel<K extends string>(labels: Record<K, string>, text: string): K | undefined {
  const t = text.trim();
  for (const [key, label] of Object.entries(labels) as [K, string][]) {
    if (t === key || t === label) return key;
  }
  return undefined;
}
