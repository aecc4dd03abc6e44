import type { MeetingRow } from "../../db/queries/meetings.ts";
import { branchSecretaries, platformAddresses } from "../../db/queries/member-directory.ts";
import { enqueue } from "../../db/queries/outbox.ts";
import { idempotencyKey, type PlannedMessage } from "../../domain/reminders.ts";
import type { PlatformName } from "../../platforms/types.ts";
import type { MeetingDeps } from "./deps.ts";

/** Whoever should hear about a meeting privately: its branch's secretary, or its creator for 党组会. */
export async function responsibleFor(deps: Pick<MeetingDeps, "db">, meeting: MeetingRow): Promise<string[]> {
  if (meeting.branchId) {
    const secretaries = await branchSecretaries(deps.db, meeting.branchId);
    if (secretaries.length > 0) return secretaries.map((s) => s.id);
  }
  return meeting.createdBy ? [meeting.createdBy] : [];
}

function platformsOf(deps: Pick<MeetingDeps, "clients">): PlatformName[] {
  return (Object.keys(deps.clients) as PlatformName[]).filter((p) => deps.clients[p]);
}

/** Private messages through the outbox, keyed so that closing or clicking twice never sends twice. */
export async function privateMessages(
  deps: Pick<MeetingDeps, "db" | "clients">,
  subject: string,
  kind: string,
  memberIds: string[],
  build: (memberId: string) => PlannedMessage["message"],
  slot: string,
  now: Date,
): Promise<number> {
  const messages: PlannedMessage[] = [];
  for (const platform of platformsOf(deps)) {
    const addresses = await platformAddresses(deps.db, platform, memberIds);
    for (const [memberId, address] of addresses) {
      const target = { type: "user" as const, id: address };
      messages.push({
        idempotencyKey: idempotencyKey({ kind, subject, platform, target, slot }),
        kind,
        subject,
        platform,
        target,
        message: build(memberId),
        dueAt: now,
      });
    }
  }
  return enqueue(deps.db, messages, now);
}
