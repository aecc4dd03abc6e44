import { and, asc, eq, gte, inArray, lt } from "drizzle-orm";
import type { LedgerInput } from "../../domain/ledger.ts";
import {
  attendance,
  branches,
  firstAgendaRecords,
  followUpMeasures,
  meetingInvitees,
  meetings,
  members,
  studyItems,
} from "../schema.ts";
import type { Executor } from "../types.ts";
import { attendanceOfInvitee } from "./meetings.ts";

export interface LedgerData {
  meetings: (typeof meetings.$inferSelect & { branchName: string | null })[];
  /** One row per invitee of each meeting, with their record when there is one. */
  people: LedgerInput["people"];
  /** One row per first-agenda record (meeting × study item), with who led and the measures decided. */
  studies: {
    meetingId: string;
    recordId: string;
    title: string;
    source: string;
    publishedOn: string;
    ledByName: string | null;
    form: string | null;
    notes: string | null;
    measures: { content: string; ownerName: string | null }[];
  }[];
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
    .leftJoin(attendance, attendanceOfInvitee)
    .leftJoin(recorder, eq(recorder.id, attendance.recordedBy))
    .where(inArray(meetingInvitees.meetingId, ids))
    .orderBy(asc(meetingInvitees.meetingId), asc(members.code));

  const studyRows = await db
    .select({
      meetingId: firstAgendaRecords.meetingId,
      recordId: firstAgendaRecords.id,
      title: studyItems.title,
      source: studyItems.source,
      publishedOn: studyItems.publishedOn,
      ledByName: members.name,
      form: firstAgendaRecords.form,
      notes: firstAgendaRecords.notes,
    })
    .from(firstAgendaRecords)
    .innerJoin(studyItems, eq(studyItems.id, firstAgendaRecords.studyItemId))
    .leftJoin(members, eq(members.id, firstAgendaRecords.ledBy))
    .where(inArray(firstAgendaRecords.meetingId, ids))
    .orderBy(asc(studyItems.publishedOn), asc(studyItems.title));
  const measureRows =
    studyRows.length > 0
      ? await db
          .select({
            recordId: followUpMeasures.recordId,
            content: followUpMeasures.content,
            ownerName: members.name,
          })
          .from(followUpMeasures)
          .leftJoin(members, eq(members.id, followUpMeasures.ownerId))
          .where(
            inArray(
              followUpMeasures.recordId,
              studyRows.map((r) => r.recordId),
            ),
          )
          .orderBy(asc(followUpMeasures.createdAt), asc(followUpMeasures.id))
      : [];

  return {
    meetings: meetingRows.map((r) => ({ ...r.meeting, branchName: r.branchName })),
    people: people.map(({ code: _code, ...p }) => p),
    studies: studyRows.map((r) => ({
      ...r,
      measures: measureRows
        .filter((m) => m.recordId === r.recordId)
        .map((m) => ({ content: m.content, ownerName: m.ownerName })),
    })),
  };
}
