import { adminMemberIds, organCommitteeIds } from "../../db/queries/status.ts";
import type { Executor } from "../../db/types.ts";
import type { Address, Recipients } from "../recipients.ts";

/**
 * Where the 机关党委 is told things: the chat of its own roster entry (kind 机关党委) when one is bound,
 * otherwise its staff (admins) privately — so the digest and 换届 reminders always reach someone.
 */
export async function organCommitteeAddresses(
  db: Executor,
  recipients: Recipients,
  orgId: string,
): Promise<Address[]> {
  const chats = await recipients.branchChats(db, await organCommitteeIds(db, orgId));
  if (chats.length > 0) return chats;
  return recipients.members(db, await adminMemberIds(db, orgId));
}
