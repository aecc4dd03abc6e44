import type { CommandSyntax } from "../domain/commands.ts";
import type { InboundEvent, OutboundMessage } from "../platforms/types.ts";
import type { HandlerContext } from "./handler-context.ts";

export type MessageEvent = Extract<InboundEvent, { type: "message" }>;

export interface CommandContext extends HandlerContext {
  event: MessageEvent;
  botName: string;
  /** Every command the bot knows, for 帮助. */
  commands: readonly CommandSyntax<unknown>[];
  /** Answers in the chat the message came from; retried deliveries of the event never answer twice. */
  reply(message: OutboundMessage): Promise<void>;
}
