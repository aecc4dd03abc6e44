import { attendanceRate, countAttendance } from "./attendance.ts";
import { dateTimeFormat } from "./date-format.ts";
import { MEETING_KIND_LABELS, MEMBER_ROLE_LABELS, type MeetingKind, type MemberRole } from "./labels.ts";
import { delayDays } from "./study.ts";

/** The meeting ledger (台账) as rows of plain cells, Chinese headers first; any writer (xlsx, csv) can take it. */

export type Cell = string | number | null;

export interface LedgerInput {
  meetings: {
    id: string;
    kind: MeetingKind;
    title: string;
    branchName: string | null;
    startsAt: Date;
    endsAt: Date;
    place: string | null;
    state: "scheduled" | "open" | "closed" | "cancelled";
    cancelledReason: string | null;
  }[];
  people: {
    meetingId: string;
    memberId: string;
    name: string;
    role: string;
    status: "present" | "leave" | "absent" | null;
    late: boolean | null;
    reason: string | null;
    recordedAt: Date | null;
    source: string | null;
    recordedByName: string | null;
  }[];
  /** First-agenda records; the extra fields feed the 第一议题 sheet. */
  studies: {
    meetingId: string;
    title: string;
    source?: string;
    publishedOn?: string;
    ledByName?: string | null;
    form?: string | null;
    notes?: string | null;
    measures?: { content: string; ownerName: string | null }[];
  }[];
  timeZone: string;
}

const STATE_LABELS = { scheduled: "未开始", open: "进行中", closed: "已召开", cancelled: "已取消" } as const;
const STATUS_LABELS = { present: "出席", leave: "请假", absent: "缺席" } as const;
const SOURCE_LABELS: Record<string, string> = {
  card: "卡片签到",
  "card:leave": "卡片请假",
  chat: "群聊",
  correction: "书记补签/更正",
  import: "导入",
  system: "系统（会议结束时未签到）",
};

function local(instant: Date, timeZone: string, withTime = true): string {
  const parts = dateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  const date = `${get("year")}-${get("month")}-${get("day")}`;
  return withTime ? `${date} ${get("hour")}:${get("minute")}` : date;
}

export const MEETING_HEADERS = [
  "序号",
  "支部",
  "会议类型",
  "会议名称",
  "日期",
  "开始时间",
  "结束时间",
  "地点",
  "状态",
  "应到人数",
  "实到人数",
  "迟到人数",
  "请假人数",
  "缺席人数",
  "到会率",
  "第一议题",
];

export const ATTENDANCE_HEADERS = [
  "会议日期",
  "支部",
  "会议名称",
  "姓名",
  "职务",
  "出勤情况",
  "是否迟到",
  "请假事由",
  "签到/登记时间",
  "记录方式",
  "记录人",
];

export const STUDY_HEADERS = [
  "会议日期",
  "支部",
  "会议名称",
  "学习材料",
  "来源",
  "发表日期",
  "间隔天数",
  "领学人",
  "学习形式",
  "研讨发言",
  "贯彻落实措施（责任人）",
];

/** 贯彻落实措施 one per line, numbered, each with its owner when known. */
export function measuresText(measures: readonly { content: string; ownerName: string | null }[]): string {
  return measures
    .map((m, i) => `${i + 1}. ${m.content}${m.ownerName ? `（责任人：${m.ownerName}）` : ""}`)
    .join("\n");
}

export function buildLedgerRows(input: LedgerInput): {
  meetings: Cell[][];
  attendance: Cell[][];
  studies: Cell[][];
} {
  const tz = input.timeZone;
  const meetingRows: Cell[][] = [MEETING_HEADERS];
  const attendanceRows: Cell[][] = [ATTENDANCE_HEADERS];
  const studyRows: Cell[][] = [STUDY_HEADERS];
  input.meetings.forEach((m, i) => {
    const people = input.people.filter((p) => p.meetingId === m.id);
    const counts = countAttendance(
      people.map((p) => p.memberId),
      people
        .filter((p) => p.status)
        .map((p) => ({ memberId: p.memberId, status: p.status ?? "absent", late: Boolean(p.late) })),
    );
    const held = m.state === "closed";
    const studies = input.studies.filter((s) => s.meetingId === m.id).map((s) => `《${s.title}》`);
    meetingRows.push([
      i + 1,
      m.branchName ?? "",
      MEETING_KIND_LABELS[m.kind],
      m.title,
      local(m.startsAt, tz, false),
      local(m.startsAt, tz).slice(11),
      local(m.endsAt, tz).slice(11),
      m.place ?? "",
      m.state === "cancelled" && m.cancelledReason ? `已取消（${m.cancelledReason}）` : STATE_LABELS[m.state],
      counts.expected,
      counts.present,
      counts.late,
      counts.leave,
      held ? counts.expected - counts.present - counts.leave : null,
      held ? `${Math.round(attendanceRate(counts) * 1000) / 10}%` : null,
      studies.join("；"),
    ]);
    for (const p of people) {
      attendanceRows.push([
        local(m.startsAt, tz, false),
        m.branchName ?? "",
        m.title,
        p.name,
        MEMBER_ROLE_LABELS[p.role as MemberRole] ?? p.role,
        p.status ? STATUS_LABELS[p.status] : held ? "缺席" : "未签到",
        p.status === "present" ? (p.late ? "是" : "否") : "",
        p.reason ?? "",
        p.recordedAt ? local(p.recordedAt, tz) : "",
        p.source ? (SOURCE_LABELS[`${p.source}:${p.status}`] ?? SOURCE_LABELS[p.source] ?? p.source) : "",
        p.recordedByName ?? "",
      ]);
    }
    const meetingDay = local(m.startsAt, tz, false);
    for (const s of input.studies.filter((s) => s.meetingId === m.id)) {
      studyRows.push([
        meetingDay,
        m.branchName ?? "",
        m.title,
        `《${s.title}》`,
        s.source ?? "",
        s.publishedOn ?? "",
        s.publishedOn ? delayDays(s.publishedOn, meetingDay) : null,
        s.ledByName ?? "",
        s.form ?? "",
        s.notes ?? "",
        measuresText(s.measures ?? []),
      ]);
    }
  });
  return { meetings: meetingRows, attendance: attendanceRows, studies: studyRows };
}
