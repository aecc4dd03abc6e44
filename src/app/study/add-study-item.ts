import { and, eq } from "drizzle-orm";
import { enqueue } from "../../db/queries/outbox.ts";
import { insertStudyItem, type StudyItemRow } from "../../db/queries/study.ts";
import { auditLog, branchChats, branches, leadingBodyMembers, memberIdentities } from "../../db/schema.ts";
import type { Database, Executor } from "../../db/types.ts";
import { idempotencyKey, type PlannedMessage } from "../../domain/reminders.ts";
import type { StudyItemInput } from "../../domain/study.ts";
import type { PlatformName } from "../../platforms/types.ts";
import { studyNoticeCard } from "../views/study-cards.ts";

export const STUDY_NOTICE_KIND = "study.notice";
const NOTICE_VALID_MS = 3 * 86_400_000;

export type AddStudyOutcome =
  /** `notices`: branch chats (or, for 仅党组 items, people) told; one per branch whatever its platforms. */
  { kind: "added"; item: StudyItemRow; notices: number } | { kind: "duplicate"; message: string };

/**
 * Adds a 第一议题 item and queues its notice to every branch chat in scope (or, for items meant only for
 * 党组会/中心组, to the leading bodies' members). Same title and date twice is refused.
 */
export async function addStudyItem(db: Database, input: AddStudyInput, now: Date): Promise<AddStudyOutcome> {
  return db.transaction((tx) => addStudyItemIn(tx, input, now));
}

export type AddStudyInput = StudyItemInput & { orgId: string; addedBy: string | null; actorLabel?: string };

/** The same inside a transaction the caller holds (`npx zhibu study import` adds a whole file in one). */
export async function addStudyItemIn(
  tx: Executor,
  input: AddStudyInput,
  now: Date,
): Promise<AddStudyOutcome> {
  const item = await insertStudyItem(tx, {
    orgId: input.orgId,
    title: input.title,
    source: input.source,
    publishedOn: input.publishedOn,
    link: input.link ?? null,
    summary: input.summary ?? null,
    scope: input.scope,
    addedBy: input.addedBy,
    at: now,
  });
  if (!item) {
    return {
      kind: "duplicate",
      message: `《${input.title}》（${input.publishedOn}）已在学习材料库中，未重复添加。`,
    };
  }
  await tx.insert(auditLog).values({
    orgId: input.orgId,
    actorId: input.addedBy,
    actorLabel: input.actorLabel ?? null,
    action: "create",
    entity: "study_item",
    entityId: item.id,
    after: { title: item.title, source: item.source, publishedOn: item.publishedOn, scope: item.scope },
    at: now,
  });

  const subject = `study:${item.id}`;
  const card = studyNoticeCard(item);
  const targets: {
    platform: PlatformName;
    target: { type: "chat" | "user"; id: string };
    recipient: string;
  }[] = [];
  if (item.scope === "all") {
    const chats = await tx
      .select({
        platform: branchChats.platform,
        chatId: branchChats.chatId,
        branchId: branchChats.branchId,
      })
      .from(branchChats)
      .innerJoin(branches, eq(branches.id, branchChats.branchId))
      .where(and(eq(branches.orgId, input.orgId), eq(branches.active, true), eq(branches.kind, "branch")));
    for (const c of chats)
      targets.push({ platform: c.platform, target: { type: "chat", id: c.chatId }, recipient: c.branchId });
  } else {
    const people = await tx
      .selectDistinct({
        platform: memberIdentities.platform,
        value: memberIdentities.value,
        memberId: memberIdentities.memberId,
      })
      .from(leadingBodyMembers)
      .innerJoin(memberIdentities, eq(memberIdentities.memberId, leadingBodyMembers.memberId))
      .where(and(eq(leadingBodyMembers.orgId, input.orgId), eq(memberIdentities.kind, "open_id")));
    for (const p of people)
      targets.push({ platform: p.platform, target: { type: "user", id: p.value }, recipient: p.memberId });
  }
  const messages: PlannedMessage[] = targets.map(({ platform, target }) => ({
    idempotencyKey: idempotencyKey({ kind: STUDY_NOTICE_KIND, subject, platform, target, slot: "added" }),
    kind: STUDY_NOTICE_KIND,
    subject,
    platform,
    target,
    message: { kind: "card", card },
    dueAt: now,
    // The meeting reminders and cards name the item anyway; a notice days late (an outage, a platform
    // not connected yet) is noise.
    expiresAt: new Date(now.getTime() + NOTICE_VALID_MS),
    expiryReason: "学习材料通知超过 3 天未能发送，不再发送（会议提醒和签到卡片中仍会列出）",
  }));
  await enqueue(tx, messages, now);
  return { kind: "added", item, notices: new Set(targets.map((t) => t.recipient)).size };
}
