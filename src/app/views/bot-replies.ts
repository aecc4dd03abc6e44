/** Replies the bot gives in chat: help, roster misses, joining a chat, binding a chat. Pure. */
import type { CommandSyntax } from "../../domain/commands.ts";
import { quote } from "../../domain/limits.ts";
import { MANAGERS_LABEL } from "../../domain/permissions.ts";
import type { CardView } from "../../platforms/types.ts";

/** Card action that binds the chat from the form shown when the bot joins an unbound chat. */
export const CHAT_BIND_ACTION = "chat.bind";
/** The button on the “改绑” question; carries the branch id, so what is confirmed is what was asked. */
export const CHAT_REBIND_ACTION = "chat.rebind";

/** Asked before a branch's working chat moves: the old chat stops receiving its notices. */
export function rebindQuestionCard(branch: { id: string; name: string }): CardView {
  return {
    header: { title: `改绑「${branch.name}」的工作群？`, tone: "orange" },
    blocks: [
      {
        type: "markdown",
        text: `「${branch.name}」已有工作群。改绑后，该支部的会议通知、签到卡片和提醒将改发到**本群**，原工作群不再收到，并会收到一条改绑通知。`,
      },
      {
        type: "buttons",
        buttons: [
          {
            label: "确认改绑到本群",
            style: "danger",
            value: { action: CHAT_REBIND_ACTION, branch: branch.id },
          },
        ],
      },
      { type: "note", text: "不改绑则无需操作。" },
    ],
  };
}

export function helpCard(
  commands: readonly CommandSyntax<unknown>[],
  options: { botName: string; branchName?: string; notUnderstood?: string },
): CardView {
  return {
    header: {
      title: `${options.botName}能做什么`,
      ...(options.branchName ? { subtitle: `本群：${options.branchName}` } : {}),
      tone: "blue",
    },
    blocks: [
      ...(options.notUnderstood
        ? [
            {
              type: "note" as const,
              text: `没有识别“${quote(options.notUnderstood)}”，可以使用下面这些指令：`,
            },
          ]
        : []),
      { type: "fields", fields: commands.map((c) => ({ label: c.usage, value: c.summary })) },
      { type: "divider" },
      {
        type: "note",
        text: `在群里请先 @${options.botName} 再发送指令；单聊时直接发送即可。指令也可以用英文，如 /help。`,
      },
    ],
  };
}

export function notInRosterText(adminContact: string, platformLabel: string): string {
  return `您好！您还不在本机关的党员名册中，暂时无法使用支部助手。如需开通，请联系${adminContact}，将您的${platformLabel}账号登记到名册。`;
}

export function joinedBoundChatText(botName: string, branchName: string): string {
  return `大家好，我是${botName}。本群是「${branchName}」的工作群，会议通知、签到和提醒会发到这里。@我 发送“帮助”可查看我能做什么。`;
}

/** Shown when the bot joins a chat no branch is bound to yet: how to bind, and a form to do it. */
export function bindHowToCard(botName: string, chatName?: string): CardView {
  return {
    header: { title: `${botName}已加入${chatName ? `「${chatName}」` : "本群"}`, tone: "orange" },
    blocks: [
      { type: "markdown", text: "本群还没有绑定党支部。绑定后，支部的会议通知、签到和提醒会发到这里。" },
      {
        type: "fields",
        fields: [
          { label: "谁可以绑定", value: MANAGERS_LABEL },
          { label: "怎么绑定", value: `在群里 @${botName} 发送：绑定 <支部名>，例如：绑定 办公室党支部` },
        ],
      },
      {
        type: "form",
        name: "chat_bind",
        inputs: [
          {
            name: "branch",
            label: "也可以直接填写支部名称",
            placeholder: "如：办公室党支部",
            required: true,
          },
        ],
        submit: { label: "绑定本群", value: { action: CHAT_BIND_ACTION } },
      },
    ],
  };
}

export function chatBoundCard(branchName: string, byName: string): CardView {
  return {
    header: { title: `本群已绑定到「${branchName}」`, tone: "green" },
    blocks: [
      { type: "markdown", text: "今后该支部的会议通知、签到和提醒会发到本群。" },
      { type: "note", text: `由${byName}绑定` },
    ],
  };
}
