import { recordAudit } from "../../db/queries/audit.ts";
import { enqueue } from "../../db/queries/outbox.ts";
import { insertStudyItem, type StudyItemRow } from "../../db/queries/study.ts";
import type { Database, Executor } from "../../db/types.ts";
import type { StudyItemInput } from "../../domain/study.ts";
import { messagesTo, type Recipients } from "../recipients.ts";
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
export async function addStudyItem(
  deps: { db: Database; recipients: Recipients },
  input: AddStudyInput,
  now: Date,
): Promise<AddStudyOutcome> {
  return deps.db.transaction((tx) => addStudyItemIn({ db: tx, recipients: deps.recipients }, input, now));
}

export type AddStudyInput = StudyItemInput & { orgId: string; addedBy: string | null; actorLabel?: string };

/** The same inside a transaction the caller holds (`npx zhibu study import` adds a whole file in one). */
export async function addStudyItemIn(
  deps: { db: Executor; recipients: Recipients },
  input: AddStudyInput,
  now: Date,
): Promise<AddStudyOutcome> {
  const tx = deps.db;
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
  await recordAudit(tx, {
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
  const addresses =
    item.scope === "all"
      ? await deps.recipients.allBranchChats(tx, input.orgId)
      : await deps.recipients.leadingBodies(tx, input.orgId);
  const messages = messagesTo(addresses, {
    kind: STUDY_NOTICE_KIND,
    subject,
    slot: "added",
    message: { kind: "card", card },
    dueAt: now,
    // The meeting reminders and cards name the item anyway; a notice days late (an outage, a platform
    // not connected yet) is noise.
    expiresAt: new Date(now.getTime() + NOTICE_VALID_MS),
    expiryReason: "学习材料通知超过 3 天未能发送，不再发送（会议提醒和签到卡片中仍会列出）",
  });
  await enqueue(tx, messages, now);
  return { kind: "added", item, notices: new Set(addresses.map((a) => a.recipient)).size };
}
