import type { MeetingRow } from "../../db/queries/meetings.ts";
import type { Database, Executor } from "../../db/types.ts";
import type { Logger } from "../../lib/logger.ts";
import type { PlatformClient, PlatformName } from "../../platforms/types.ts";
import type { CardRefresher } from "./card-refresher.ts";

/** What the meeting use cases need; built once at start-up. */
export interface MeetingDeps {
  db: Database;
  timeZone: string;
  clients: Partial<Record<PlatformName, PlatformClient>>;
  logger: Logger;
  refresher: CardRefresher;
  /** Default length of a meeting when only its start is given. */
  defaultMinutes: number;
  /** Other features' follow-ups once a meeting closes (第一议题 asks for its record). */
  afterClose?: ((meeting: MeetingRow, now: Date) => Promise<unknown>)[];
}

/** Members may manage a branch's meetings when they are its 书记/副书记/委员, or 机关党委 staff. */
export function mayManage(
  member: { isAdmin: boolean; branchId: string; role: string },
  branchId: string | null,
): boolean {
  if (member.isAdmin) return true;
  if (!branchId) return false;
  return (
    member.branchId === branchId &&
    ["secretary", "deputy_secretary", "committee_member"].includes(member.role)
  );
}

export type { Executor };
