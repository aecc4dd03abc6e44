import { and, eq, gte, inArray, isNull, lte, ne, or } from "drizzle-orm";
import type { MeetingKind } from "../../domain/labels.ts";
import type { MeetingForReminder } from "../../domain/meeting-reminders.ts";
import { attendance, branchChats, meetingInvitees, meetings, memberIdentities } from "../schema.ts";
import type { Executor } from "../types.ts";
import { attendanceOfInvitee } from "./meetings.ts";
import { type AddressKinds, addressable } from "./recipients.ts";
import { pendingStudyItems, type StudyBody } from "./study.ts";

/**
 * Meetings starting within [from, to] with where their reminders go: a branch meeting to the branch's
 * group chat; an organ-level one (党组会, 中心组, no branch) to each invitee one-to-one. Meetings still
 * ahead carry the 第一议题 items pending for their branch or body (one lookup per branch or body).
 */
export async function loadMeetingsForReminders(
  db: Executor,
  window: { from: Date; to: Date },
  timeZone: string,
  addressKinds: AddressKinds,
): Promise<MeetingForReminder[]> {
  const platforms = addressKinds.map((k) => k.platform);
  const found = await db
    .select()
    .from(meetings)
    .where(and(gte(meetings.startsAt, window.from), lte(meetings.startsAt, window.to)));
  if (found.length === 0) return [];

  const branchIds = [...new Set(found.flatMap((m) => (m.branchId ? [m.branchId] : [])))];
  const chats =
    branchIds.length > 0
      ? await db
          .select()
          .from(branchChats)
          .where(and(inArray(branchChats.branchId, branchIds), inArray(branchChats.platform, platforms)))
      : [];
  if (platforms.length === 0) return [];
  const organLevel = found.filter((m) => !m.branchId).map((m) => m.id);
  const people =
    organLevel.length > 0
      ? await db
          .select({
            meetingId: meetingInvitees.meetingId,
            memberId: meetingInvitees.memberId,
            platform: memberIdentities.platform,
            value: memberIdentities.value,
          })
          .from(meetingInvitees)
          .innerJoin(memberIdentities, eq(memberIdentities.memberId, meetingInvitees.memberId))
          .leftJoin(attendance, attendanceOfInvitee)
          .where(
            and(
              inArray(meetingInvitees.meetingId, organLevel),
              // Whoever has asked for leave is not reminded again.
              or(isNull(attendance.status), ne(attendance.status, "leave")),
              addressable(addressKinds),
            ),
          )
      : [];

  const pendingByBody = new Map<string, MeetingForReminder["studyItems"]>();
  const bodyOf = (m: (typeof found)[number]): StudyBody =>
    m.branchId
      ? { branchId: m.branchId }
      : { orgId: m.orgId, kind: m.kind === "central_group" ? "central_group" : "leading_group" };
  for (const m of found) {
    if (m.state !== "scheduled" && m.state !== "open") continue;
    const body = bodyOf(m);
    const key = JSON.stringify(body);
    if (pendingByBody.has(key)) continue;
    const pending = await pendingStudyItems(db, m.orgId, body, timeZone);
    pendingByBody.set(
      key,
      pending.map(({ title, source, publishedOn }) => ({ title, source, publishedOn })),
    );
  }

  return found.map((m) => ({
    id: m.id,
    kind: m.kind as MeetingKind,
    title: m.title,
    startsAt: m.startsAt,
    endsAt: m.endsAt,
    createdAt: m.createdAt,
    state: m.state,
    place: m.place,
    targets: m.branchId
      ? chats
          .filter((c) => c.branchId === m.branchId)
          .map((c) => ({ platform: c.platform, target: { type: "chat" as const, id: c.chatId } }))
      : people
          .filter((p) => p.meetingId === m.id)
          .map((p) => ({
            platform: p.platform,
            target: { type: "user" as const, id: p.value },
            memberId: p.memberId,
          })),
    studyItems: pendingByBody.get(JSON.stringify(bodyOf(m))) ?? [],
  }));
}
