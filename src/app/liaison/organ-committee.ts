import { adminIds, organCommitteeBranchIds } from "../../db/queries/liaison.ts";
import type { Executor } from "../../db/types.ts";
import type { Address, Recipients } from "../recipients.ts";

/** The 机关党委: its own group chat when one is bound, otherwise each of its admins privately. */
export async function organCommitteeAddresses(
  db: Executor,
  recipients: Recipients,
  orgId: string,
): Promise<Address[]> {
  const chats = await recipients.branchChats(db, await organCommitteeBranchIds(db, orgId));
  if (chats.length > 0) return chats;
  return recipients.members(db, await adminIds(db, orgId));
}
