/**
 * "These members / these branches' chats, on every platform they are reachable on": the one answer
 * every planner and notice uses, so a member on DingTalk hears what a member on Feishu hears.
 */
import {
  type AddressKinds,
  activeBranchIds,
  adminMemberIds,
  branchChatAddresses,
  leadingBodyMemberIds,
  memberAddresses,
  organCommitteeIds,
} from "../db/queries/recipients.ts";
import type { Executor } from "../db/types.ts";
import { idempotencyKey, type PlannedMessage } from "../domain/reminders.ts";
import type { Addressing } from "../platforms/adapter.ts";
import type { MessageTarget, OutboundMessage, PlatformName } from "../platforms/types.ts";

export interface Address {
  platform: PlatformName;
  target: MessageTarget;
  /** The member (private messages) or branch (group chats) this address reaches. */
  recipient: string;
}

export interface Recipients {
  readonly platforms: readonly PlatformName[];
  /** Which identity addresses a person on each configured platform. */
  readonly addressKinds: AddressKinds;
  /** Each member privately, on every configured platform where the roster has their id. */
  members(db: Executor, memberIds: readonly string[]): Promise<Address[]>;
  /** These branches' group chats on every configured platform. */
  branchChats(db: Executor, branchIds: readonly string[]): Promise<Address[]>;
  /** Every active 党支部's chats in the organisation. */
  allBranchChats(db: Executor, orgId: string): Promise<Address[]>;
  /** Members of the 党组 and 中心组, privately. */
  leadingBodies(db: Executor, orgId: string): Promise<Address[]>;
  /** The 机关党委: its own group chat when one is bound, otherwise each of its staff (admins) privately. */
  organCommittee(db: Executor, orgId: string): Promise<Address[]>;
}

/** From the configured adapters (the bot), or from every platform definition (offline tools). */
export function createRecipients(platforms: Iterable<Addressing>): Recipients {
  const list = [...platforms];
  const names = list.map((p) => p.name);
  const addressKinds = list.map((p) => ({ platform: p.name, kind: p.identityKind }));
  const members: Recipients["members"] = async (db, memberIds) =>
    (await memberAddresses(db, addressKinds, memberIds)).map((a) => ({
      platform: a.platform,
      target: { type: "user", id: a.id },
      recipient: a.memberId,
    }));
  const branchChats: Recipients["branchChats"] = async (db, branchIds) =>
    (await branchChatAddresses(db, names, branchIds)).map((a) => ({
      platform: a.platform,
      target: { type: "chat", id: a.id },
      recipient: a.branchId,
    }));
  return {
    platforms: names,
    addressKinds,
    members,
    branchChats,
    allBranchChats: async (db, orgId) => branchChats(db, await activeBranchIds(db, orgId)),
    leadingBodies: async (db, orgId) => members(db, await leadingBodyMemberIds(db, orgId)),
    organCommittee: async (db, orgId) => {
      const chats = await branchChats(db, await organCommitteeIds(db, orgId));
      return chats.length > 0 ? chats : members(db, await adminMemberIds(db, orgId));
    },
  };
}

export interface MessageSpec {
  kind: string;
  subject: string;
  /** Which occurrence (a date, "close", a lead time…): the same slot twice is the same message. */
  slot: string;
  message: OutboundMessage | ((address: Address) => OutboundMessage);
  dueAt: Date;
  expiresAt?: Date;
  expiryReason?: string;
  workdaysOnly?: boolean;
}

/** One outbox message per address, keyed so that planning it again never sends it twice. */
export function messagesTo(addresses: readonly Address[], spec: MessageSpec): PlannedMessage[] {
  return addresses.map((address) => ({
    idempotencyKey: idempotencyKey({
      kind: spec.kind,
      subject: spec.subject,
      platform: address.platform,
      target: address.target,
      slot: spec.slot,
    }),
    kind: spec.kind,
    subject: spec.subject,
    platform: address.platform,
    target: address.target,
    message: typeof spec.message === "function" ? spec.message(address) : spec.message,
    dueAt: spec.dueAt,
    ...(spec.expiresAt ? { expiresAt: spec.expiresAt } : {}),
    ...(spec.expiryReason ? { expiryReason: spec.expiryReason } : {}),
    ...(spec.workdaysOnly ? { workdaysOnly: true } : {}),
  }));
}
