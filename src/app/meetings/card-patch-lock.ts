import { abandonedCardPatches, claimCardPatch, releaseCardPatch } from "../../db/queries/card-patches.ts";
import type { Database } from "../../db/types.ts";
import type { ReminderPlanner } from "../scheduler.ts";
import type { CardPatchLock, CardRefresher } from "./card-refresher.ts";

/**
 * Longer than a patch can take (each platform call gives up after 10 s), so a live holder never loses
 * its card mid-patch; a dead one's card is taken over after this.
 */
const LEASE_MS = 30_000;

/**
 * The card refresher's lock in the database: several processes (or Workers isolates) may all take
 * clicks on one meeting, and each would otherwise patch its own view of the counts, in any order.
 */
export function createCardPatchLock(db: Database, leaseMs = LEASE_MS): CardPatchLock {
  return {
    async take(subject, platform, intervalMs) {
      const holder = crypto.randomUUID();
      const claim = await claimCardPatch(db, { subject, platform, holder, leaseMs, intervalMs });
      if (!claim.mine) return undefined;
      let wanted = claim.wanted;
      return {
        waitMs: claim.waitMs,
        async done() {
          const released = await releaseCardPatch(db, { subject, platform, holder, wanted, leaseMs });
          if (released.kind !== "again") return false;
          wanted = released.wanted;
          return true;
        },
      };
    },
  };
}

/**
 * On every tick: a card whose holder died mid-patch (its lease ran out) is patched again, so the count
 * it shows is brought up to date even when no further click comes.
 */
export function createAbandonedCardPlanner(db: Database, refresher: CardRefresher): ReminderPlanner {
  return {
    name: "live-card-recovery",
    async plan() {
      const subjects = new Set((await abandonedCardPatches(db)).map((c) => c.subject));
      for (const subject of subjects) void refresher.refresh(subject);
      return { messages: [], withdrawals: [] };
    },
  };
}
