import { and, asc, eq, gte, inArray, lt } from "drizzle-orm";
import {
  attendance,
  branches,
  firstAgendaRecords,
  meetingInvitees,
  meetings,
  members,
  studyItems,
} from "../schema.ts";
import type { Executor } from "../types.ts";

export interface LedgerData {
  meetings: (typeof meetings.$inferSelect & { branchName: string | null })[];
  /** One row per invitee of each meeting, with their record when there is one. */
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
  studies: { meetingId: string; title: string; publishedOn: string }[];
}

/** Everything the meeting ledger (台账) shows for some branches over [from, to). */
export async function loadLedger(
  db: Executor,
  scope: { branchIds: string[]; from: Date; to: Date },
): Promise<LedgerData> {
  if (scope.branchIds.length === 0) return { meetings: [], people: [], studies: [] };
  const meetingRows = await db
    .select({ meeting: meetings, branchName: branches.name })
    .from(meetings)
    .leftJoin(branches, eq(branches.id, meetings.branchId))
    .where(
      and(
        inArray(meetings.branchId, scope.branchIds),
        gte(meetings.startsAt, scope.from),
        lt(meetings.startsAt, scope.to),
      ),
    )
    .orderBy(asc(meetings.startsAt));
  const ids = meetingRows.map((r) => r.meeting.id);
  if (ids.length === 0) return { meetings: [], people: [], studies: [] };

  const recorder = db.$with("recorder").as(db.select({ id: members.id, name: members.name }).from(members));
  const people = await db
    .with(recorder)
    .select({
      meetingId: meetingInvitees.meetingId,
      memberId: members.id,
      name: members.name,
      role: members.role,
      code: members.code,
      status: attendance.status,
      late: attendance.late,
      reason: attendance.reason,
      recordedAt: attendance.recordedAt,
      source: attendance.source,
      recordedByName: recorder.name,
    })
    .from(meetingInvitees)
    .innerJoin(members, eq(members.id, meetingInvitees.memberId))
    .leftJoin(
      attendance,
      and(
        eq(attendance.meetingId, meetingInvitees.meetingId),
        eq(attendance.memberId, meetingInvitees.memberId),
      ),
    )
    .leftJoin(recorder, eq(recorder.id, attendance.recordedBy))
    .where(inArray(meetingInvitees.meetingId, ids))
    .orderBy(asc(meetingInvitees.meetingId), asc(members.code));

  const studies = await db
    .select({
      meetingId: firstAgendaRecords.meetingId,
      title: studyItems.title,
      publishedOn: studyItems.publishedOn,
    })
    .from(firstAgendaRecords)
    .innerJoin(studyItems, eq(studyItems.id, firstAgendaRecords.studyItemId))
    .where(inArray(firstAgendaRecords.meetingId, ids))
    .orderBy(asc(studyItems.publishedOn));

  return {
    meetings: meetingRows.map((r) => ({ ...r.meeting, branchName: r.branchName })),
    people: people.map(({ code: _code, ...p }) => p),
    studies,
  };
}
