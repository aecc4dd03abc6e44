/**
 * Card buttons and forms carry `{ action: "<name>", … }` in their value; the router looks the name up
 * here. Features register their handlers at start-up (meetings: "sign_in", "leave" …), e.g.
 *
 *   registry.register("sign_in", async (ctx) => ({ toast: { type: "success", text: "已签到" }, card }));
 *
 * A handler returns a toast and/or a replacement card. It answers inside the click's request when it
 * is quick; otherwise the user gets an "in progress" toast and the card is patched when it finishes.
 */
import type { CardActionResponse, InboundEvent } from "../platforms/types.ts";
import type { HandlerContext } from "./handler-context.ts";

export type CardActionEvent = Extract<InboundEvent, { type: "card_action" }>;

/** The field of a card action's value that names its handler. */
export const ACTION_FIELD = "action";

export interface CardActionContext extends HandlerContext {
  event: CardActionEvent;
}

export type CardActionHandler = (ctx: CardActionContext) => Promise<CardActionResponse>;

export interface CardActionRegistry {
  register(action: string, handler: CardActionHandler): void;
  get(action: string): CardActionHandler | undefined;
  actions(): string[];
}

export function createCardActionRegistry(): CardActionRegistry {
  const handlers = new Map<string, CardActionHandler>();
  return {
    register(action, handler) {
      // Two features claiming one name would silently steal each other's clicks.
      if (handlers.has(action)) throw new Error(`card action "${action}" is already registered`);
      handlers.set(action, handler);
    },
    get: (action) => handlers.get(action),
    actions: () => [...handlers.keys()],
  };
}
