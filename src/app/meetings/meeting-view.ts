import { findBranchName } from "../../db/queries/branch-chats.ts";
import { countMeetingAttendance, type MeetingRow } from "../../db/queries/meetings.ts";
import {
  pendingStudyItems,
  recordsOfMeeting,
  type StudyBody,
  studyItemsByIds,
} from "../../db/queries/study.ts";
import type { Executor } from "../../db/types.ts";
import type { AttendanceCounts } from "../../domain/attendance.ts";
import { reminderPromise } from "../../domain/meeting-reminders.ts";
import type { MeetingView } from "../views/meeting-cards.ts";
import type { MeetingDeps } from "./deps.ts";

export function studyBodyOf(meeting: MeetingRow): StudyBody {
  if (meeting.branchId) return { branchId: meeting.branchId };
  return { orgId: meeting.orgId, kind: meeting.kind === "central_group" ? "central_group" : "leading_group" };
}

/** What the meeting cards show: pending 第一议题 before it closes, what it studied afterwards. */
export async function loadMeetingView(
  db: Executor,
  meeting: MeetingRow,
  timeZone: string,
): Promise<MeetingView> {
  let branchName: string | null = null;
  if (meeting.branchId) branchName = (await findBranchName(db, meeting.branchId)) ?? null;
  let items: MeetingView["studyItems"];
  if (meeting.state === "closed") {
    const records = await recordsOfMeeting(db, meeting.id);
    const rows = await studyItemsByIds(
      db,
      records.map((r) => r.studyItemId),
    );
    items = rows.map((r) => ({ title: r.title, source: r.source, publishedOn: r.publishedOn, link: r.link }));
  } else {
    items = await pendingStudyItems(db, meeting.orgId, studyBodyOf(meeting), timeZone);
  }
  return {
    id: meeting.id,
    kind: meeting.kind,
    title: meeting.title,
    branchName,
    startsAt: meeting.startsAt,
    endsAt: meeting.endsAt,
    place: meeting.place,
    state: meeting.state,
    studyItems: items.map(({ title, source, publishedOn, link }) => ({ title, source, publishedOn, link })),
    timeZone,
  };
}

export async function loadCounts(db: Executor, meetingId: string): Promise<AttendanceCounts> {
  return countMeetingAttendance(db, meetingId);
}

/** The confirmation card's line on reminders and the sign-in card, as the planners will send them. */
export function promiseOf(deps: MeetingDeps, meeting: MeetingRow, now: Date): string {
  return reminderPromise({
    startsAt: meeting.startsAt,
    endsAt: meeting.endsAt,
    now,
    ...deps.reminders,
    timeZone: deps.timeZone,
    privately: meeting.branchId === null,
  });
}
