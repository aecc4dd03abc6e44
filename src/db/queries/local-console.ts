/**
 * The local console's view of the roster, and its addresses: on the "local" platform a member is known
 * by their own id and a branch's chat by the branch's id, so no platform account is needed to try zhibu.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { MemberRole } from "../../domain/labels.ts";
import { branchChats, branches, members, organisations } from "../schema.ts";
import type { Executor } from "../types.ts";

/** The chat id a branch's group chat has in the local console. */
export const localChatIdOf = (branchId: string) => `local_${branchId}`;

/**
 * Gives every active member a local id and every active branch a local group chat, where they have none.
 * Idempotent; run before the console lists the roster, so members and branches a later roster import
 * adds get theirs too (the import leaves local ids alone).
 */
export async function ensureLocalAddresses(db: Executor): Promise<void> {
  await db.execute(sql`
    insert into member_identities (member_id, platform, kind, value)
    select id, 'local', 'local_id', id::text from members where active
    on conflict do nothing`);
  await db.execute(sql`
    insert into branch_chats (branch_id, platform, chat_id)
    select id, 'local', 'local_' || id::text from branches where active
    on conflict do nothing`);
}

export async function hasAnyOrganisation(db: Executor): Promise<boolean> {
  const rows = await db.select({ id: organisations.id }).from(organisations).limit(1);
  return rows.length > 0;
}

export interface ConsoleMember {
  id: string;
  code: string;
  name: string;
  role: MemberRole;
  isAdmin: boolean;
  isLeader: boolean;
  leaderTitle: string | null;
}

export interface ConsoleBranch {
  id: string;
  code: string;
  name: string;
  orgName: string;
  /** Its group chat in the console, if it has one. */
  chatId: string | undefined;
  members: ConsoleMember[];
}

/** Active branches with their active members, in roster order (by code). */
export async function listConsoleRoster(db: Executor): Promise<ConsoleBranch[]> {
  const rows = await db
    .select({
      branch: { id: branches.id, code: branches.code, name: branches.name },
      orgName: organisations.name,
      chatId: branchChats.chatId,
    })
    .from(branches)
    .innerJoin(organisations, eq(organisations.id, branches.orgId))
    .leftJoin(branchChats, and(eq(branchChats.branchId, branches.id), eq(branchChats.platform, "local")))
    .where(eq(branches.active, true))
    .orderBy(asc(organisations.name), asc(branches.code));
  const people = await db
    .select({
      id: members.id,
      code: members.code,
      name: members.name,
      role: members.role,
      isAdmin: members.isAdmin,
      isLeader: members.isLeader,
      leaderTitle: members.leaderTitle,
      branchId: members.branchId,
    })
    .from(members)
    .where(eq(members.active, true))
    .orderBy(asc(members.code));
  return rows.map((r) => ({
    ...r.branch,
    orgName: r.orgName,
    chatId: r.chatId ?? undefined,
    members: people.filter((p) => p.branchId === r.branch.id).map(({ branchId: _, ...m }) => m),
  }));
}
