import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { dateTimeFormat } from "../../domain/date-format.ts";
import { pendingItems, type StudyBody, type StudyItemRef, type StudyScope } from "../../domain/study.ts";
import { firstAgendaRecords, followUpMeasures, meetings, outbox, studyItems } from "../schema.ts";
import type { Executor } from "../types.ts";

export type StudyItemRow = typeof studyItems.$inferSelect;
export type FirstAgendaRecordRow = typeof firstAgendaRecords.$inferSelect;
export type NewFirstAgendaRecord = typeof firstAgendaRecords.$inferInsert;
export type NewFollowUpMeasure = typeof followUpMeasures.$inferInsert;

function toRef(row: StudyItemRow, timeZone: string): StudyItemRef {
  const addedOn = dateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(row.createdAt);
  return {
    id: row.id,
    title: row.title,
    source: row.source,
    publishedOn: row.publishedOn,
    link: row.link,
    scope: row.scope as StudyScope,
    addedOn,
  };
}

/** Who a meeting studies for: a branch, or one of the organ's leading bodies. */
export type { StudyBody };

/** Item ids this body has already studied as a first agenda. */
export async function studiedItemIds(db: Executor, body: StudyBody): Promise<Set<string>> {
  const where =
    "branchId" in body
      ? eq(meetings.branchId, body.branchId)
      : and(eq(meetings.orgId, body.orgId), isNull(meetings.branchId), eq(meetings.kind, body.kind));
  const rows = await db
    .selectDistinct({ id: firstAgendaRecords.studyItemId })
    .from(firstAgendaRecords)
    .innerJoin(meetings, eq(meetings.id, firstAgendaRecords.meetingId))
    .where(where);
  return new Set(rows.map((r) => r.id));
}

/** The study items a body's next meeting should open with, oldest first. */
export async function pendingStudyItems(
  db: Executor,
  orgId: string,
  body: StudyBody,
  timeZone: string,
): Promise<StudyItemRef[]> {
  const items = await db
    .select()
    .from(studyItems)
    .where(eq(studyItems.orgId, orgId))
    .orderBy(asc(studyItems.publishedOn));
  const studied = await studiedItemIds(db, body);
  return pendingItems(
    items.map((i) => toRef(i, timeZone)),
    studied,
    !("branchId" in body),
  );
}

export async function listStudyItems(db: Executor, orgId: string, timeZone: string): Promise<StudyItemRef[]> {
  const rows = await db
    .select()
    .from(studyItems)
    .where(eq(studyItems.orgId, orgId))
    .orderBy(asc(studyItems.publishedOn));
  return rows.map((r) => toRef(r, timeZone));
}

export async function findStudyItem(
  db: Executor,
  orgId: string,
  title: string,
  publishedOn: string,
): Promise<StudyItemRow | undefined> {
  const [row] = await db
    .select()
    .from(studyItems)
    .where(
      and(eq(studyItems.orgId, orgId), eq(studyItems.title, title), eq(studyItems.publishedOn, publishedOn)),
    );
  return row;
}

/** Inserts unless an item with the same title and date exists; returns undefined for a duplicate. */
export async function insertStudyItem(
  db: Executor,
  item: {
    orgId: string;
    title: string;
    source: string;
    publishedOn: string;
    link: string | null;
    summary: string | null;
    scope: StudyScope;
    addedBy: string | null;
    at: Date;
  },
): Promise<StudyItemRow | undefined> {
  const [row] = await db
    .insert(studyItems)
    .values({ ...item, createdAt: item.at })
    .onConflictDoNothing({ target: [studyItems.orgId, studyItems.title, studyItems.publishedOn] })
    .returning();
  return row;
}

/** First-agenda studies of a body, newest first, with the meeting's start. */
export async function recentStudies(db: Executor, body: StudyBody, limit: number) {
  const where =
    "branchId" in body
      ? eq(meetings.branchId, body.branchId)
      : and(eq(meetings.orgId, body.orgId), isNull(meetings.branchId), eq(meetings.kind, body.kind));
  return db
    .select({
      itemId: studyItems.id,
      title: studyItems.title,
      source: studyItems.source,
      publishedOn: studyItems.publishedOn,
      meetingId: meetings.id,
      meetingTitle: meetings.title,
      startsAt: meetings.startsAt,
    })
    .from(firstAgendaRecords)
    .innerJoin(meetings, eq(meetings.id, firstAgendaRecords.meetingId))
    .innerJoin(studyItems, eq(studyItems.id, firstAgendaRecords.studyItemId))
    .where(where)
    .orderBy(desc(meetings.startsAt))
    .limit(limit);
}

/** Every branch meeting's first-agenda study of the organ's items: the input of the timeliness report. */
export async function branchStudies(db: Executor, orgId: string) {
  return db
    .select({
      itemId: firstAgendaRecords.studyItemId,
      branchId: meetings.branchId,
      startsAt: meetings.startsAt,
    })
    .from(firstAgendaRecords)
    .innerJoin(meetings, eq(meetings.id, firstAgendaRecords.meetingId))
    .where(and(eq(meetings.orgId, orgId), isNotNull(meetings.branchId)));
}

export async function recordsOfMeeting(db: Executor, meetingId: string) {
  return db.select().from(firstAgendaRecords).where(eq(firstAgendaRecords.meetingId, meetingId));
}

/**
 * Writes first-agenda records; a meeting and item already recorded is skipped. Returns the rows written.
 * Run it in the transaction of the submission, with its follow-up measures and audit entry.
 */
export async function insertFirstAgendaRecords(
  db: Executor,
  records: readonly NewFirstAgendaRecord[],
): Promise<FirstAgendaRecordRow[]> {
  if (records.length === 0) return [];
  return db
    .insert(firstAgendaRecords)
    .values([...records])
    .onConflictDoNothing()
    .returning();
}

/** Writes follow-up measures (贯彻落实措施); run it in the transaction that wrote their record. */
export async function insertFollowUpMeasures(
  db: Executor,
  measures: readonly NewFollowUpMeasure[],
): Promise<void> {
  if (measures.length === 0) return;
  await db.insert(followUpMeasures).values([...measures]);
}

export async function studyItemsByIds(db: Executor, ids: string[]): Promise<StudyItemRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(studyItems).where(inArray(studyItems.id, ids));
}

/** Outbox kind of the record card a secretary gets when a meeting closes with 第一议题 pending. */
export const STUDY_RECORD_REQUEST_KIND = "study.record_request";
export const studyRecordSubject = (meetingId: string) => `study-record:${meetingId}`;

/**
 * Closed meetings that were asked for a first-agenda record (they closed with items pending) and have
 * none yet: the secretary is nudged about these, and they make the branch overdue after N days.
 */
export async function closedMeetingsWithoutRecord(db: Executor, orgId?: string) {
  return db
    .select()
    .from(meetings)
    .where(
      and(
        orgId ? eq(meetings.orgId, orgId) : undefined,
        eq(meetings.state, "closed"),
        sql`exists (select 1 from ${outbox} o where o.kind = ${STUDY_RECORD_REQUEST_KIND} and o.subject = 'study-record:' || ${meetings.id}::text)`,
        sql`not exists (select 1 from ${firstAgendaRecords} r where r.meeting_id = ${meetings.id})`,
      ),
    )
    .orderBy(asc(meetings.closedAt));
}
