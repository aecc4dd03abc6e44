import { recordAudit } from "../../db/queries/audit.ts";
import { findMeeting, listInvitees, type MeetingRow } from "../../db/queries/meetings.ts";
import { activeBranchMemberNames } from "../../db/queries/member-directory.ts";
import {
  insertFirstAgendaRecords,
  insertFollowUpMeasures,
  pendingStudyItems,
  recordsOfMeeting,
  STUDY_RECORD_REQUEST_KIND,
  studyItemsByIds,
  studyRecordSubject,
} from "../../db/queries/study.ts";
import { COUNT_LIMITS, firstTooLong, TEXT_LIMITS, tooMany } from "../../domain/limits.ts";
import { parseMeasures } from "../../domain/measures.ts";
import { mayManage, onlyManagers } from "../../domain/permissions.ts";
import { studyBodyOf } from "../../domain/study.ts";
import type { CardActionResponse } from "../../platforms/types.ts";
import { responsibleFor, sendPrivately } from "../private-messages.ts";
import { studyRecordCard } from "../views/study-cards.ts";
import type { StudyDeps } from "./deps.ts";

/** When a meeting closes with 第一议题 pending, its secretary privately gets the record card. */
export async function requestStudyRecord(deps: StudyDeps, meeting: MeetingRow, now: Date): Promise<number> {
  const pending = await pendingStudyItems(deps.db, meeting.orgId, studyBodyOf(meeting), deps.timeZone);
  if (pending.length === 0) return 0;
  const card = studyRecordCard({ ...meeting, timeZone: deps.timeZone }, pending);
  return sendPrivately(deps, {
    kind: STUDY_RECORD_REQUEST_KIND,
    subject: studyRecordSubject(meeting.id),
    slot: "close",
    memberIds: await responsibleFor(deps.db, meeting),
    build: () => ({ kind: "card", card }),
    now,
  });
}

function formText(form: Record<string, string | string[]> | undefined, name: string): string {
  const v = form?.[name];
  return (Array.isArray(v) ? v.join("\n") : (v ?? "")).trim();
}

function formList(form: Record<string, string | string[]> | undefined, name: string): string[] {
  const v = form?.[name];
  if (Array.isArray(v)) return v.filter(Boolean);
  return v ? [v] : [];
}

/**
 * 提交登记 on the record card: writes a first-agenda record per studied item (once per meeting and item),
 * with who led, the form, the discussion notes and the follow-up measures with their owners.
 * Items not ticked stay pending for the next meeting.
 */
export async function submitStudyRecord(
  deps: StudyDeps,
  member: { id: string; name: string; isAdmin: boolean; branchId: string; role: string },
  meetingId: string,
  form: Record<string, string | string[]> | undefined,
  now: Date,
): Promise<CardActionResponse> {
  const meeting = await findMeeting(deps.db, meetingId);
  if (!meeting) return { toast: { type: "warning", text: "找不到这次会议。" } };
  const allowed =
    mayManage(member, meeting.branchId) || (!meeting.branchId && meeting.createdBy === member.id);
  if (!allowed) return { toast: { type: "warning", text: onlyManagers("登记第一议题学习") } };
  if (meeting.state === "cancelled") return { toast: { type: "warning", text: "会议已取消。" } };

  const tooLong = firstTooLong([
    [TEXT_LIMITS.studyLeader, formText(form, "led_by")],
    [TEXT_LIMITS.studyForm, formText(form, "form")],
    [TEXT_LIMITS.studyNotes, formText(form, "notes")],
    [TEXT_LIMITS.studyMeasures, formText(form, "measures")],
  ]);
  if (tooLong) return { toast: { type: "warning", text: tooLong } };
  const measures = parseMeasures(formText(form, "measures"));
  const tooManyMeasures = tooMany(COUNT_LIMITS.measures, measures.length);
  if (tooManyMeasures) return { toast: { type: "warning", text: tooManyMeasures } };

  const pending = await pendingStudyItems(deps.db, meeting.orgId, studyBodyOf(meeting), deps.timeZone);
  const existing = await recordsOfMeeting(deps.db, meeting.id);
  const picked = formList(form, "items");
  if (picked.length === 0) {
    if (existing.length > 0) return { toast: { type: "info", text: "本次会议已登记过第一议题学习。" } };
    return { toast: { type: "warning", text: "请至少勾选一项已学习的材料。" } };
  }
  const pendingIds = new Set(pending.map((p) => p.id));
  const already = new Set(existing.map((r) => r.studyItemId));
  const unknown = picked.filter((id) => !pendingIds.has(id) && !already.has(id));
  if (unknown.length > 0)
    return { toast: { type: "warning", text: "所选材料不在本支部待学习清单中，请刷新卡片后重试。" } };

  const invitees = await listInvitees(deps.db, meeting.id);
  const people = meeting.branchId
    ? await activeBranchMemberNames(deps.db, meeting.branchId)
    : invitees.map((i) => ({ id: i.memberId, name: i.name }));
  const byName = (name: string) =>
    [...people, ...invitees.map((i) => ({ id: i.memberId, name: i.name }))].find((p) => p.name === name);
  const leaderName = formText(form, "led_by");
  const leader = leaderName ? byName(leaderName) : undefined;
  if (!leaderName) return { toast: { type: "warning", text: "请填写领学人。" } };
  if (!leader) return { toast: { type: "warning", text: `名册中没有“${leaderName}”，请填写领学人的姓名。` } };
  const studyForm = formText(form, "form") || null;
  const notes = formText(form, "notes") || null;

  const written = await deps.db.transaction(async (tx) => {
    const fresh = picked.filter((id) => !already.has(id));
    if (fresh.length === 0) return 0;
    const records = await insertFirstAgendaRecords(
      tx,
      fresh.map((studyItemId) => ({
        meetingId: meeting.id,
        studyItemId,
        ledBy: leader.id,
        form: studyForm,
        notes,
        recordedBy: member.id,
        createdAt: now,
        updatedAt: now,
      })),
    );
    // Measures belong to the meeting's study as a whole; they hang off its first record.
    const first = records[0];
    if (first && measures.length > 0) {
      await insertFollowUpMeasures(
        tx,
        measures.map((m, i) => {
          const owner = m.owner ? byName(m.owner) : undefined;
          return {
            recordId: first.id,
            content: owner || !m.owner ? m.content : `${m.content}（责任人：${m.owner}）`,
            ownerId: owner?.id ?? null,
            // A millisecond apart: the ledger lists measures by creation, in the order they were typed.
            createdAt: new Date(now.getTime() + i),
          };
        }),
      );
    }
    await recordAudit(tx, {
      orgId: meeting.orgId,
      actorId: member.id,
      action: "record-first-agenda",
      entity: "meeting",
      entityId: meeting.id,
      after: { items: fresh, ledBy: leader.name, form: studyForm, measures: measures.length },
      at: now,
    });
    return records.length;
  });
  const titles = (await studyItemsByIds(deps.db, picked)).map((i) => i.title);
  if (written === 0) return { toast: { type: "info", text: "本次会议已登记过这些材料。" } };
  const left = pending.filter((p) => !picked.includes(p.id)).length;
  return {
    toast: {
      type: "success",
      text:
        left > 0
          ? `已登记 ${written} 项，另有 ${left} 项留待下次会议学习。`
          : `已登记 ${written} 项第一议题学习。`,
    },
    card: studyRecordCard({ ...meeting, timeZone: deps.timeZone }, [], { titles, by: member.name }),
  };
}
