import { type ParsedTime, parseChineseDateTime } from "./chinese-datetime.ts";
import { BRANCH_MEETING_KINDS, MEETING_KIND_LABELS, type MeetingKind } from "./labels.ts";
import { quote, TEXT_LIMITS, tooLong } from "./limits.ts";

/** Words people use for each meeting kind, longest first so 支部委员会 wins over 委员会. */
const KIND_WORDS: [string, MeetingKind][] = (
  [
    ["支部党员大会", "general_assembly"],
    ["党员大会", "general_assembly"],
    ["支部大会", "general_assembly"],
    ["general_assembly", "general_assembly"],
    ["assembly", "general_assembly"],
    ["支部委员会", "committee"],
    ["支委会", "committee"],
    ["委员会", "committee"],
    ["committee", "committee"],
    ["党小组会", "party_group"],
    ["党小组", "party_group"],
    ["party_group", "party_group"],
    ["group", "party_group"],
    ["党课", "party_lecture"],
    ["party_lecture", "party_lecture"],
    ["lecture", "party_lecture"],
    ["主题党日", "theme_day"],
    ["theme_day", "theme_day"],
    ["组织生活会", "org_life"],
    ["org_life", "org_life"],
    ["民主评议党员", "member_review"],
    ["民主评议", "member_review"],
    ["member_review", "member_review"],
    ["review", "member_review"],
    ["党组会", "leading_group"],
    ["党组会议", "leading_group"],
    ["leading_group", "leading_group"],
    ["理论学习中心组学习", "central_group"],
    ["理论学习中心组", "central_group"],
    ["中心组学习", "central_group"],
    ["中心组", "central_group"],
    ["central_group", "central_group"],
  ] as [string, MeetingKind][]
).sort((a, b) => b[0].length - a[0].length);

export interface ScheduleRequest {
  ok: true;
  kind: MeetingKind;
  /** Party group named for a 党小组会. */
  partyGroup: string | undefined;
  time: ParsedTime;
  place: string | undefined;
  title: string;
}

export type ScheduleParse = ScheduleRequest | { ok: false; question: string };

const USAGE =
  "请按这样的格式安排会议：安排 支部委员会 12月3日 15:00 三楼会议室\n" +
  `会议类型：${BRANCH_MEETING_KINDS.map((k) => MEETING_KIND_LABELS[k]).join("、")}`;

/**
 * Reads the arguments of 安排 / /meeting: kind, (Party group), date and time, place.
 * `groups` are the branch's Party group names, to recognise which one a 党小组会 is for.
 */
export function parseScheduleArgs(
  text: string,
  now: Date,
  timeZone: string,
  groups: readonly string[],
): ScheduleParse {
  let rest = text.trim();
  const found = KIND_WORDS.find(([word]) => rest.toLowerCase().startsWith(word.toLowerCase()));
  if (!found)
    return {
      ok: false,
      question: rest ? `没认出会议类型 “${quote(rest.split(/\s/)[0] ?? "")}”。\n${USAGE}` : USAGE,
    };
  const [word, kind] = found;
  rest = rest.slice(word.length).trim();

  let partyGroup: string | undefined;
  if (kind === "party_group") {
    partyGroup = [...groups].sort((a, b) => b.length - a.length).find((g) => rest.startsWith(g));
    if (partyGroup) rest = rest.slice(partyGroup.length).trim();
    else if (groups.length === 1) partyGroup = groups[0];
    else if (groups.length === 0)
      return { ok: false, question: "本支部在名册中没有党小组，无法安排党小组会。" };
    else
      return {
        ok: false,
        question: `请写明是哪个党小组：${groups.join("、")}。例如：安排 党小组会 ${groups[0]} 12月3日 15:00`,
      };
  }

  const time = parseChineseDateTime(rest, now, timeZone);
  if (!time.ok) return time;
  const place = time.rest.replace(/^(在|地点[:：]?)/, "").trim() || undefined;
  const tooLongPlace = tooLong(TEXT_LIMITS.meetingPlace, place);
  if (tooLongPlace) return { ok: false, question: tooLongPlace };
  const title = partyGroup ? `${partyGroup}${MEETING_KIND_LABELS[kind]}` : MEETING_KIND_LABELS[kind];
  return { ok: true, kind, partyGroup, time, place, title };
}
