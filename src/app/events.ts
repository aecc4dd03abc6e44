/**
 * What features tell each other. A feature emits; the features that list a handler under `on` hear it,
 * one after another, in the order of src/app/features.ts.
 */
import type { MeetingRow } from "../db/queries/meetings.ts";

export interface BotEvents {
  /** Sign-in has ended (at the end time or by the 结束签到 button); absentees are recorded. */
  "meeting.closed": { meeting: MeetingRow; now: Date };
}

export interface EventBus {
  emit<E extends keyof BotEvents>(event: E, payload: BotEvents[E]): Promise<void>;
  on<E extends keyof BotEvents>(event: E, handler: (payload: BotEvents[E]) => Promise<void>): void;
}

export function createEventBus(): EventBus {
  const handlers = new Map<keyof BotEvents, ((payload: never) => Promise<void>)[]>();
  return {
    async emit(event, payload) {
      for (const handler of handlers.get(event) ?? [])
        await (handler as (p: typeof payload) => Promise<void>)(payload);
    },
    on(event, handler) {
      handlers.set(event, [...(handlers.get(event) ?? []), handler as (payload: never) => Promise<void>]);
    },
  };
}

/** Registers each handler of a feature's `on` list. */
export function subscribe(
  bus: EventBus,
  handlers: { [E in keyof BotEvents]?: (payload: BotEvents[E]) => Promise<void> },
): void {
  for (const name of Object.keys(handlers) as (keyof BotEvents)[]) {
    const handler = handlers[name];
    if (handler) bus.on(name, handler);
  }
}
