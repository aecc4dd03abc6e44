import { and, eq, or } from "drizzle-orm";
import type { PlatformName } from "../../platforms/types.ts";
import { branchChats, branches, partyGroups } from "../schema.ts";
import type { Executor } from "../types.ts";
import { type AuditEntry, recordAudit } from "./audit.ts";

export type BranchRow = typeof branches.$inferSelect;
export type PartyGroupRow = typeof partyGroups.$inferSelect;

/** The branch whose group chat this is, if the chat is bound. */
export async function findBranchByChat(
  db: Executor,
  platform: PlatformName,
  chatId: string,
): Promise<BranchRow | undefined> {
  const rows = await db
    .select({ branch: branches })
    .from(branchChats)
    .innerJoin(branches, eq(branches.id, branchChats.branchId))
    .where(and(eq(branchChats.platform, platform), eq(branchChats.chatId, chatId)))
    .limit(1);
  return rows[0]?.branch;
}

export async function findChatOfBranch(
  db: Executor,
  platform: PlatformName,
  branchId: string,
): Promise<string | undefined> {
  const rows = await db
    .select({ chatId: branchChats.chatId })
    .from(branchChats)
    .where(and(eq(branchChats.platform, platform), eq(branchChats.branchId, branchId)));
  return rows[0]?.chatId;
}

export async function listActiveBranches(db: Executor, orgId: string): Promise<BranchRow[]> {
  return db
    .select()
    .from(branches)
    .where(and(eq(branches.orgId, orgId), eq(branches.active, true)))
    .orderBy(branches.code);
}

/** The organisation's active 党支部 (kind `branch`: not 党总支 nor the 机关党委), by code. */
export async function listActivePartyBranches(db: Executor, orgId: string): Promise<BranchRow[]> {
  return db
    .select()
    .from(branches)
    .where(and(eq(branches.orgId, orgId), eq(branches.active, true), eq(branches.kind, "branch")))
    .orderBy(branches.code);
}

/** Every active branch of every organisation, of any kind, in no particular order. */
export async function listAllActiveBranches(db: Executor): Promise<BranchRow[]> {
  return db.select().from(branches).where(eq(branches.active, true));
}

/** A branch by its roster code or its full name, active or not; the first match if several. */
export async function findBranchByCodeOrName(db: Executor, wanted: string): Promise<BranchRow | undefined> {
  const [row] = await db
    .select()
    .from(branches)
    .where(or(eq(branches.code, wanted), eq(branches.name, wanted)));
  return row;
}

/** The branch's name, if the branch exists. */
export async function findBranchName(db: Executor, branchId: string): Promise<string | undefined> {
  const [row] = await db.select({ name: branches.name }).from(branches).where(eq(branches.id, branchId));
  return row?.name;
}

/** The branch's active Party groups (党小组). */
export async function listActivePartyGroups(db: Executor, branchId: string): Promise<PartyGroupRow[]> {
  return db
    .select()
    .from(partyGroups)
    .where(and(eq(partyGroups.branchId, branchId), eq(partyGroups.active, true)));
}

/**
 * Makes `chatId` the branch's group chat on `platform`: one chat per branch and one branch per chat,
 * so any earlier binding of either is replaced. Audited with who did it. Run inside a transaction.
 */
export async function bindBranchChat(
  tx: Executor,
  binding: {
    orgId: string;
    branchId: string;
    platform: PlatformName;
    chatId: string;
    actorId: string;
    at: Date;
  },
): Promise<void> {
  const { orgId, branchId, platform, chatId, actorId, at } = binding;
  const previousChat = await findChatOfBranch(tx, platform, branchId);
  const previousBranch = await findBranchByChat(tx, platform, chatId);
  await tx.delete(branchChats).where(and(eq(branchChats.platform, platform), eq(branchChats.chatId, chatId)));
  await tx
    .delete(branchChats)
    .where(and(eq(branchChats.platform, platform), eq(branchChats.branchId, branchId)));
  await tx.insert(branchChats).values({ branchId, platform, chatId, boundBy: actorId, createdAt: at });
  const entries: AuditEntry[] = [
    {
      orgId,
      actorId,
      action: "bind-chat",
      entity: "branch",
      entityId: branchId,
      before: previousChat ? { platform, chatId: previousChat } : null,
      after: { platform, chatId },
      at,
    },
  ];
  if (previousBranch && previousBranch.id !== branchId) {
    entries.push({
      orgId,
      actorId,
      action: "unbind-chat",
      entity: "branch",
      entityId: previousBranch.id,
      before: { platform, chatId },
      after: null,
      at,
    });
  }
  await recordAudit(tx, entries);
}

export async function findBranch(db: Executor, branchId: string): Promise<BranchRow | undefined> {
  const [row] = await db.select().from(branches).where(eq(branches.id, branchId));
  return row;
}
