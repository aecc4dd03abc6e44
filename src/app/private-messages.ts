/** Private messages through the outbox, to people on every platform they are reachable on. */
import { branchSecretaries } from "../db/queries/member-directory.ts";
import { enqueue } from "../db/queries/outbox.ts";
import type { Executor } from "../db/types.ts";
import type { OutboundMessage } from "../platforms/types.ts";
import { messagesTo, type Recipients } from "./recipients.ts";

/** Whoever answers for a meeting privately: its branch's secretary, or its creator for 党组会/中心组. */
export async function responsibleFor(
  db: Executor,
  meeting: { branchId: string | null; createdBy: string | null },
): Promise<string[]> {
  if (meeting.branchId) {
    const secretaries = await branchSecretaries(db, meeting.branchId);
    if (secretaries.length > 0) return secretaries.map((s) => s.id);
  }
  return meeting.createdBy ? [meeting.createdBy] : [];
}

/**
 * Queues one message per member and platform, keyed by kind + subject + slot, so that closing or
 * clicking twice never sends twice. Returns how many were newly queued.
 */
export async function sendPrivately(
  deps: { db: Executor; recipients: Recipients },
  spec: {
    kind: string;
    subject: string;
    slot: string;
    memberIds: readonly string[];
    build: (memberId: string) => OutboundMessage;
    now: Date;
  },
): Promise<number> {
  const addresses = await deps.recipients.members(deps.db, spec.memberIds);
  const messages = messagesTo(addresses, {
    kind: spec.kind,
    subject: spec.subject,
    slot: spec.slot,
    message: (a) => spec.build(a.recipient),
    dueAt: spec.now,
  });
  return enqueue(deps.db, messages, spec.now);
}
