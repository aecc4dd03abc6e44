import type { PlatformName } from "../../platforms/types.ts";
import { inboundEvents } from "../schema.ts";
import type { Executor } from "../types.ts";

/**
 * Records an event id; false when it was seen before (platforms retry unanswered events),
 * so a repeat is answered and ignored. One statement, so two deliveries racing still process once.
 */
export async function recordInboundEvent(
  db: Executor,
  event: { platform: PlatformName; eventId: string; eventType: string; receivedAt: Date },
): Promise<boolean> {
  const inserted = await db
    .insert(inboundEvents)
    .values(event)
    .onConflictDoNothing({ target: [inboundEvents.platform, inboundEvents.eventId] })
    .returning({ eventId: inboundEvents.eventId });
  return inserted.length > 0;
}
