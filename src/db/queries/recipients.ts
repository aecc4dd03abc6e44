/** Where people and branch chats are reached, per platform: the queries behind src/app/recipients.ts. */
import { and, asc, eq, inArray, or, type SQL } from "drizzle-orm";
import type { IdentityKind, PlatformName } from "../../platforms/types.ts";
import { branchChats, branches, leadingBodyMembers, memberIdentities, members } from "../schema.ts";
import type { Executor } from "../types.ts";

/** Which identity addresses a person on each platform (Feishu open_id, DingTalk staffId). */
export type AddressKinds = readonly { platform: PlatformName; kind: IdentityKind }[];

/** The condition "this identity row addresses a person on one of these platforms". */
export function addressable(kinds: AddressKinds): SQL | undefined {
  return or(
    ...kinds.map((k) => and(eq(memberIdentities.platform, k.platform), eq(memberIdentities.kind, k.kind))),
  );
}

export interface MemberAddress {
  memberId: string;
  platform: PlatformName;
  id: string;
}

/** Each member's private address on each platform of `kinds`; members without one are left out. */
export async function memberAddresses(
  db: Executor,
  kinds: AddressKinds,
  memberIds: readonly string[],
): Promise<MemberAddress[]> {
  if (memberIds.length === 0 || kinds.length === 0) return [];
  return db
    .select({
      memberId: memberIdentities.memberId,
      platform: memberIdentities.platform,
      id: memberIdentities.value,
    })
    .from(memberIdentities)
    .where(and(inArray(memberIdentities.memberId, [...memberIds]), addressable(kinds)));
}

export interface ChatAddress {
  branchId: string;
  platform: PlatformName;
  id: string;
}

/** The group chats of these branches on these platforms. */
export async function branchChatAddresses(
  db: Executor,
  platforms: readonly PlatformName[],
  branchIds: readonly string[],
): Promise<ChatAddress[]> {
  if (branchIds.length === 0 || platforms.length === 0) return [];
  return db
    .select({ branchId: branchChats.branchId, platform: branchChats.platform, id: branchChats.chatId })
    .from(branchChats)
    .where(and(inArray(branchChats.branchId, [...branchIds]), inArray(branchChats.platform, [...platforms])));
}

/** Every active 党支部 of the organisation (not 党总支), for notices to all branches. */
export async function activeBranchIds(db: Executor, orgId: string): Promise<string[]> {
  const rows = await db
    .select({ id: branches.id })
    .from(branches)
    .where(and(eq(branches.orgId, orgId), eq(branches.active, true), eq(branches.kind, "branch")));
  return rows.map((r) => r.id);
}

/** Members of the organ's 党组 and 中心组. */
export async function leadingBodyMemberIds(db: Executor, orgId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: leadingBodyMembers.memberId })
    .from(leadingBodyMembers)
    .innerJoin(members, eq(members.id, leadingBodyMembers.memberId))
    .where(and(eq(leadingBodyMembers.orgId, orgId), eq(members.active, true)));
  return rows.map((r) => r.id);
}

/** The 机关党委's own roster entries (kind organ_committee): their chats are where organ-wide notices go. */
export async function organCommitteeIds(db: Executor, orgId: string): Promise<string[]> {
  const rows = await db
    .select({ id: branches.id })
    .from(branches)
    .where(and(eq(branches.orgId, orgId), eq(branches.kind, "organ_committee"), eq(branches.active, true)));
  return rows.map((r) => r.id);
}

/** 机关党委 staff (admins), active, by roster code. */
export async function adminMemberIds(db: Executor, orgId: string): Promise<string[]> {
  const rows = await db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.orgId, orgId), eq(members.isAdmin, true), eq(members.active, true)))
    .orderBy(asc(members.code));
  return rows.map((r) => r.id);
}
