import {
  type MessageTarget,
  type OutboundMessage,
  type PlatformClient,
  PlatformSendError,
} from "../../src/platforms/types.ts";

export interface Delivered {
  key: string;
  target: MessageTarget;
  message: OutboundMessage;
  at: number;
  messageId: string;
}

/**
 * An in-memory Feishu stand-in: records every message and, like Feishu's `uuid`, answers a repeated
 * idempotency key with the first message instead of posting again (`resent` counts those).
 */
export function createFakePlatform(options: { latencyMs?: number } = {}) {
  const delivered: Delivered[] = [];
  const byKey = new Map<string, Delivered>();
  const faults: ((key: string) => Error | undefined)[] = [];
  let resent = 0;
  let calls = 0;
  const client: PlatformClient = {
    platform: "feishu",
    async send(target, message, { idempotencyKey }) {
      calls++;
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
      for (const fault of faults) {
        const error = fault(idempotencyKey);
        if (error) throw error;
      }
      const earlier = byKey.get(idempotencyKey);
      if (earlier) {
        resent++;
        return { messageId: earlier.messageId };
      }
      const d = {
        key: idempotencyKey,
        target,
        message,
        at: Date.now(),
        messageId: `om_${delivered.length + 1}`,
      };
      delivered.push(d);
      byKey.set(idempotencyKey, d);
      return { messageId: d.messageId };
    },
    async updateCard() {},
  };
  return {
    client,
    delivered,
    get resent() {
      return resent;
    },
    get calls() {
      return calls;
    },
    /** Adds a fault: return an error to throw for a key, or undefined to let the send through. */
    fail(fault: (key: string) => Error | undefined) {
      faults.push(fault);
    },
    clearFaults() {
      faults.length = 0;
    },
  };
}

export const transient = (message = "飞书发送消息失败（HTTP 502）") =>
  new PlatformSendError(message, true, { status: 502 });
export const permanent = (message = "飞书发送消息失败（错误码 230002）：bot not in chat") =>
  new PlatformSendError(message, false, { code: 230002, status: 400 });
