import { type AttendanceCounts, attendanceRate } from "../../domain/attendance.ts";
import { MEETING_KIND_LABELS, type MeetingKind } from "../../domain/labels.ts";
import { MANAGERS_LABEL } from "../../domain/permissions.ts";
import type { CardBlock, CardView } from "../../platforms/types.ts";
import { formatPeriod } from "./format.ts";

/** What the meeting cards show; built by the meeting use cases from the database. */
export interface MeetingView {
  id: string;
  kind: MeetingKind;
  title: string;
  branchName: string | null;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  state: "scheduled" | "open" | "closed" | "cancelled";
  /** 第一议题 items the meeting will open with, oldest first. */
  studyItems: { title: string; source: string; publishedOn: string; link: string | null }[];
  timeZone: string;
}

/** The action names cards send back; the meeting handlers are registered under these. */
export const MEETING_ACTIONS = {
  signIn: "meeting.sign_in",
  leave: "meeting.leave",
  close: "meeting.close",
  cancel: "meeting.cancel",
  edit: "meeting.edit",
  remindAbsentees: "meeting.remind_absentees",
  correct: "meeting.correct",
} as const;

function basics(m: MeetingView): CardBlock[] {
  const fields = [
    {
      label: "会议",
      value: `${MEETING_KIND_LABELS[m.kind]}${m.title !== MEETING_KIND_LABELS[m.kind] ? `（${m.title}）` : ""}`,
    },
    { label: "时间", value: formatPeriod(m.startsAt, m.endsAt, m.timeZone) },
    { label: "地点", value: m.place ?? "待定" },
  ];
  if (m.branchName) fields.unshift({ label: "支部", value: m.branchName });
  return [{ type: "fields", fields }];
}

/** 第一议题 lines; "none pending" is said plainly so a secretary sees the gap. */
export function studyBlock(m: MeetingView): CardBlock {
  if (m.studyItems.length === 0) return { type: "note", text: "第一议题：暂无待学习的材料。" };
  const lines = m.studyItems.map(
    (s, i) =>
      `${i + 1}. ${s.link ? `[《${s.title}》](${s.link})` : `《${s.title}》`}（${s.source}，${s.publishedOn}）`,
  );
  return { type: "markdown", text: `**第一议题**\n${lines.join("\n")}` };
}

/**
 * The card posted when a meeting is scheduled: its details, what reminders will follow, and the
 * committee's controls. After the meeting ends it is frozen, so nobody asks for leave on it.
 */
export function confirmationCard(
  m: MeetingView,
  expected: number,
  extra: { notes?: string[]; promise?: string } = {},
): CardView {
  const notes = extra.notes ?? [];
  if (m.state === "cancelled") {
    return {
      header: { title: `已取消：${m.title}`, tone: "grey" },
      blocks: [...basics(m), { type: "note", text: "本次会议已取消，相关提醒不再发送。" }],
    };
  }
  if (m.state === "closed") {
    return {
      header: { title: `已结束：${m.title}`, subtitle: m.branchName ?? undefined, tone: "grey" },
      blocks: [
        ...basics(m),
        { type: "fields", fields: [{ label: "应到人数", value: `${expected} 人` }] },
        {
          type: "note",
          text: `会议已结束，出席情况见签到卡片。如需补签或登记请假，请联系${MANAGERS_LABEL}。`,
        },
      ],
    };
  }
  return {
    header: { title: `会议已安排：${m.title}`, subtitle: m.branchName ?? undefined, tone: "blue" },
    blocks: [
      ...basics(m),
      { type: "fields", fields: [{ label: "应到人数", value: `${expected} 人` }] },
      ...notes.map((text): CardBlock => ({ type: "markdown", text: `**${text}**` })),
      studyBlock(m),
      ...(extra.promise ? [{ type: "note" as const, text: extra.promise }] : []),
      {
        type: "form",
        name: "leave_early",
        inputs: [
          {
            name: "reason",
            label: "不能参加？请在此请假",
            placeholder: "请假事由，如：出差、病假",
            required: true,
          },
        ],
        submit: { label: "请假", value: { action: MEETING_ACTIONS.leave, meeting: m.id } },
      },
      {
        type: "form",
        name: "meeting_edit",
        inputs: [
          {
            name: "time",
            label: "新的时间",
            placeholder: "如：12月4日 15:00 或 下周四下午3点",
            required: false,
          },
          { name: "place", label: "新的地点", placeholder: "不改可留空", required: false },
        ],
        submit: { label: "修改时间/地点", value: { action: MEETING_ACTIONS.edit, meeting: m.id } },
      },
      {
        type: "buttons",
        buttons: [
          {
            label: "取消会议",
            style: "danger",
            value: { action: MEETING_ACTIONS.cancel, meeting: m.id },
            confirm: { title: "取消会议", text: `确定取消“${m.title}”吗？` },
          },
        ],
      },
    ],
  };
}

function countsText(c: AttendanceCounts): string {
  const late = c.late > 0 ? `（其中迟到 ${c.late}）` : "";
  return `已签到 **${c.present}**/应到 ${c.expected}${late}，请假 ${c.leave}，未签到 ${c.missing}`;
}

export function signInCard(m: MeetingView, counts: AttendanceCounts): CardView {
  if (m.state === "closed" || m.state === "cancelled") return closedSignInCard(m, counts);
  return {
    header: { title: `签到：${m.title}`, subtitle: m.branchName ?? undefined, tone: "green" },
    blocks: [
      ...basics(m),
      studyBlock(m),
      { type: "markdown", text: countsText(counts) },
      {
        type: "buttons",
        buttons: [
          { label: "签到", style: "primary", value: { action: MEETING_ACTIONS.signIn, meeting: m.id } },
        ],
      },
      {
        type: "form",
        name: "leave",
        inputs: [{ name: "reason", label: "请假事由", placeholder: "如：出差、病假", required: true }],
        submit: { label: "请假", value: { action: MEETING_ACTIONS.leave, meeting: m.id } },
      },
      {
        type: "buttons",
        buttons: [
          {
            label: "结束签到",
            value: { action: MEETING_ACTIONS.close, meeting: m.id },
            confirm: { title: "结束签到", text: `结束后只有${MANAGERS_LABEL}可以补签。确定结束吗？` },
          },
        ],
      },
      { type: "note", text: "会议开始后签到记为迟到；“结束签到”仅限支部书记、委员。" },
    ],
  };
}

export function closedSignInCard(m: MeetingView, counts: AttendanceCounts): CardView {
  const rate = Math.round(attendanceRate(counts) * 100);
  return {
    header: { title: `${m.state === "cancelled" ? "已取消" : "签到已结束"}：${m.title}`, tone: "grey" },
    blocks: [
      ...basics(m),
      { type: "markdown", text: `${countsText(counts)}\n到会率 ${rate}%` },
      { type: "note", text: "如需补签，请联系支部书记。" },
    ],
  };
}

/** Sent privately to the secretary: names of absentees never go to the group chat. */
export function absenteeCard(
  m: MeetingView,
  counts: AttendanceCounts,
  absentees: string[],
  onLeave: { name: string; reason: string }[],
  invitees: { memberId: string; name: string }[] = [],
  /** How many of the absentees were recorded away (外出) that day: they get no absence note. */
  away = 0,
): CardView {
  const blocks: CardBlock[] = [...basics(m), { type: "markdown", text: countsText(counts) }];
  if (onLeave.length > 0) {
    blocks.push({
      type: "markdown",
      text: `**请假**（${onLeave.length}）\n${onLeave.map((l) => `${l.name}：${l.reason}`).join("\n")}`,
    });
  }
  if (absentees.length === 0) {
    blocks.push({ type: "note", text: "应到人员均已签到或请假。" });
  } else {
    blocks.push({
      type: "markdown",
      text: `**未签到且未请假**（${absentees.length}）\n${absentees.join("、")}`,
    });
    blocks.push({
      type: "note",
      text:
        `他们${away > 0 ? "（外出的同志除外）" : ""}将在会议结束 ${ABSENTEE_NOTE_DELAY_MINUTES} 分钟后收到系统的缺席通知；` +
        "点“一键提醒”则立即以您的名义提醒，系统通知不再发送。",
    });
    blocks.push({
      type: "buttons",
      buttons: [
        {
          label: "一键提醒他们",
          style: "primary",
          value: { action: MEETING_ACTIONS.remindAbsentees, meeting: m.id },
        },
      ],
    });
  }
  if (invitees.length > 0) blocks.push(correctionForm(m, invitees));
  return {
    header: {
      title: `缺席情况：${m.title}`,
      subtitle: "仅您可见",
      tone: absentees.length ? "orange" : "green",
    },
    blocks,
  };
}

/** The automatic note waits this long, so the secretary's own 一键提醒 can replace it. */
export const ABSENTEE_NOTE_DELAY_MINUTES = 30;

export function absenteeNote(m: MeetingView): string {
  return `您未参加${formatPeriod(m.startsAt, m.endsAt, m.timeZone)}的${m.title}${m.branchName ? `（${m.branchName}）` : ""}，也没有请假记录。如有特殊情况，请向支部书记说明；会议内容请向支部了解并补学。`;
}

/** 补签/更正 after the meeting: the secretary picks a person and what really happened. */
export function correctionForm(m: MeetingView, invitees: { memberId: string; name: string }[]): CardBlock {
  return {
    type: "form",
    name: "attendance_correction",
    inputs: [
      {
        name: "member",
        label: "补签/更正人员",
        required: true,
        single: true,
        options: invitees.map((i) => ({ value: i.memberId, label: i.name })),
      },
      {
        name: "status",
        label: "出勤情况",
        required: true,
        single: true,
        options: [
          { value: "present", label: "出席（补签）" },
          { value: "leave", label: "请假" },
          { value: "absent", label: "缺席" },
        ],
        initialValues: ["present"],
      },
      { name: "reason", label: "说明（请假须填写事由）", placeholder: "如：会前已口头请假、因公外出" },
    ],
    submit: { label: "提交更正", value: { action: MEETING_ACTIONS.correct, meeting: m.id } },
  };
}
