import { type BranchRow, findBranch, findBranchByChat } from "../db/queries/branch-chats.ts";
import type { CommandContext } from "./command-context.ts";

/** The branch a command is about: the chat's branch in a group, the member's own in a private chat. */
export async function branchOf(ctx: CommandContext): Promise<BranchRow | undefined> {
  if (ctx.event.chatType === "group") return findBranchByChat(ctx.db, ctx.event.platform, ctx.event.chatId);
  return findBranch(ctx.db, ctx.member.branchId);
}

export const UNBOUND_CHAT_TEXT = "本群还没有绑定支部。请先发送“绑定 <支部名>”。";
