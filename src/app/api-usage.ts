/**
 * Counts platform API calls per month in the database, for quotas (DingTalk's monthly one). Adapters
 * call `record` for every call that may count, on the hot path of sending: it only adds to a tally in
 * memory, and one write at a time carries what has gathered, so a burst of calls costs a few upserts.
 * A write that fails keeps its count for the next one; what is still unwritten when the process dies
 * is lost (the count is a guide for the admin, DingTalk's own is the authority).
 */
import { addApiCalls } from "../db/queries/api-usage.ts";
import type { Database } from "../db/types.ts";
import { localDate } from "../domain/time.ts";
import type { Logger } from "../lib/logger.ts";
import type { ApiUsageSink } from "../platforms/adapter.ts";
import type { PlatformName } from "../platforms/types.ts";

/** DingTalk bills by the calendar month in Beijing time. */
export const QUOTA_TIME_ZONE = "Asia/Shanghai";

export const quotaMonth = (at: Date): string => localDate(at, QUOTA_TIME_ZONE).slice(0, 7);

export interface ApiUsageRecorder extends ApiUsageSink {
  /** Resolves once everything recorded so far is written (tests, shutdown). */
  flush(): Promise<void>;
}

export function createApiUsageRecorder(deps: { db: Database; logger: Logger }): ApiUsageRecorder {
  const pending = new Map<string, { platform: PlatformName; month: string; calls: number }>();
  let writing: Promise<void> | undefined;

  async function writeAll(): Promise<void> {
    while (pending.size > 0) {
      const batch = [...pending.values()];
      pending.clear();
      for (const entry of batch) {
        try {
          await addApiCalls(deps.db, entry.platform, entry.month, entry.calls, new Date());
        } catch (error) {
          // Kept for the next write: a database hiccup must not lose the tally, nor stop a send.
          const key = `${entry.platform}\u0000${entry.month}`;
          const again = pending.get(key);
          pending.set(key, { ...entry, calls: entry.calls + (again?.calls ?? 0) });
          deps.logger.warn("接口调用计数未能写入数据库，稍后重试", { platform: entry.platform, error });
          return;
        }
      }
    }
  }

  const kick = () => {
    writing ??= writeAll().finally(() => {
      writing = undefined;
    });
    return writing;
  };

  return {
    record(platform, at) {
      const month = quotaMonth(at);
      const key = `${platform}\u0000${month}`;
      const entry = pending.get(key);
      pending.set(key, { platform, month, calls: (entry?.calls ?? 0) + 1 });
      void kick();
    },
    async flush() {
      while (writing || pending.size > 0) {
        await kick();
        if (pending.size > 0 && !writing) {
          // The last write failed: one more try, then leave the rest for later.
          await kick();
          return;
        }
      }
    },
  };
}
