/** "绑定 <支部名>": makes a group chat a branch's working chat, by command or from the join card. */
import {
  bindBranchChat,
  findBranchByChat,
  findChatOfBranch,
  listActiveBranches,
} from "../../db/queries/branch-chats.ts";
import type { MemberRow } from "../../db/queries/members.ts";
import { enqueue } from "../../db/queries/outbox.ts";
import type { Database } from "../../db/types.ts";
import { type BranchRef, matchBranch, mayBindBranch } from "../../domain/branch-binding.ts";
import type { PlatformName } from "../../platforms/types.ts";

type Branch = BranchRef & { orgId: string };

export type BindOutcome =
  | { kind: "bound"; branch: Branch }
  | { kind: "needs_confirm"; branch: Branch }
  | { kind: "already"; branch: Branch }
  | { kind: "not_found"; text: string }
  | { kind: "ambiguous"; candidates: Branch[] }
  | { kind: "forbidden"; branch: Branch }
  | { kind: "chat_taken"; branch: Branch; other: Branch }
  | { kind: "not_group" };

export async function bindChat(
  db: Database,
  request: {
    member: MemberRow;
    platform: PlatformName;
    chatId: string;
    chatType: "group" | "p2p";
    /** The branch's name as typed, or its id from the 改绑 button. */
    branchText: string;
    byId?: boolean;
    /** Moving a branch away from its existing chat is asked first, then confirmed by the button. */
    confirmed?: boolean;
    now: Date;
  },
): Promise<BindOutcome> {
  const { member, platform, chatId, now } = request;
  if (request.chatType !== "group") return { kind: "not_group" };
  const branches = await listActiveBranches(db, member.orgId);
  const match = request.byId
    ? ((found) => (found ? { kind: "found" as const, branch: found } : { kind: "none" as const }))(
        branches.find((b) => b.id === request.branchText),
      )
    : matchBranch(branches, request.branchText);
  if (match.kind === "none") return { kind: "not_found", text: request.branchText };
  if (match.kind === "ambiguous") return { kind: "ambiguous", candidates: match.candidates };
  const branch = match.branch;
  if (!mayBindBranch(member, branch.id)) return { kind: "forbidden", branch };

  return db.transaction(async (tx) => {
    const current = await findBranchByChat(tx, platform, chatId);
    if (current?.id === branch.id) return { kind: "already", branch } as const;
    // Moving a chat away from another branch takes the right to bind that branch too.
    if (current && !mayBindBranch(member, current.id))
      return { kind: "chat_taken", branch, other: current } as const;
    const previousChat = await findChatOfBranch(tx, platform, branch.id);
    if (previousChat && previousChat !== chatId && !request.confirmed)
      return { kind: "needs_confirm", branch } as const;
    if (previousChat && previousChat !== chatId) {
      // The old chat hears it from the bot, through the outbox and in this transaction.
      await enqueue(
        tx,
        [
          {
            idempotencyKey: `chat.unbound|${branch.id}|${platform}:${previousChat}|${now.toISOString()}`,
            kind: "chat.unbound",
            subject: `branch-chat:${branch.id}`,
            platform,
            target: { type: "chat", id: previousChat },
            message: {
              kind: "text",
              text: `本群已不再是「${branch.name}」的工作群：${member.name}已将工作群改为另一个群。今后该支部的会议通知、签到卡片和提醒都发到新群。`,
            },
            dueAt: now,
          },
        ],
        now,
      );
    }
    await bindBranchChat(tx, {
      orgId: member.orgId,
      branchId: branch.id,
      platform,
      chatId,
      actorId: member.id,
      at: now,
    });
    return { kind: "bound", branch } as const;
  });
}

export function bindOutcomeText(outcome: BindOutcome, adminContact: string): string {
  switch (outcome.kind) {
    case "bound":
      return `已将本群绑定到「${outcome.branch.name}」。今后该支部的会议通知、签到和提醒会发到本群。`;
    case "needs_confirm":
      return `「${outcome.branch.name}」已有工作群。如确需改绑到本群，请点击确认卡片上的“确认改绑到本群”。`;
    case "already":
      return `本群已经是「${outcome.branch.name}」的工作群，无需重复绑定。`;
    case "not_found":
      return `没有找到名为“${outcome.text}”的党支部。请写支部的全称，例如：绑定 办公室党支部。`;
    case "ambiguous":
      return `“${outcome.candidates.map((b) => b.name).join("”“")}”都符合，请写出完整的支部名称。`;
    case "forbidden":
      return `只有「${outcome.branch.name}」的书记、副书记、委员或机关党委工作人员可以绑定。如有需要，请联系${adminContact}。`;
    case "chat_taken":
      return `本群目前是「${outcome.other.name}」的工作群，您无权改绑。如需改绑，请联系${adminContact}。`;
    case "not_group":
      return "请在支部的群聊里 @我 发送“绑定 <支部名>”，单聊不能绑定。";
  }
}
