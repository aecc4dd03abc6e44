import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `数据目录 ${dataDir} 正被另一个进程使用（${holder.purpose}，进程号 ${holder.pid}，自 ${holder.since} 起）。` +
        "嵌入式数据库同一时间只能由一个进程打开：请先停止该进程再试；" +
        "若需要服务运行时同时执行命令，请设置 DATABASE_URL 改用 PostgreSQL。",
    );
    this.name = "DataDirBusyError";
  }
}

interface LockInfo {
  pid: number;
  host: string;
  purpose: string;
  since: string;
}

export interface DataDirLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite is one process per data directory; a second opener corrupts it. A pid file is used rather than
 * an mtime lease so that a server killed with SIGKILL can be restarted at once: a dead holder's lock is taken over.
 */
export function lockDataDir(dataDir: string, purpose: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, "zhibu.lock");
  const me: LockInfo = { pid: process.pid, host: hostname(), purpose, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(me), { flag: "wx" });
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder: LockInfo | undefined;
    try {
      holder = JSON.parse(readFileSync(file, "utf8")) as LockInfo;
    } catch {
      holder = undefined; // half-written or unreadable: treat as stale
    }
    if (holder && holder.host === me.host && holder.pid !== me.pid && isAlive(holder.pid)) {
      throw new DataDirBusyError(dataDir, holder);
    }
    if (holder && holder.host !== me.host) throw new DataDirBusyError(dataDir, holder);
    rmSync(file, { force: true });
  }
  throw new Error(`无法锁定数据目录 ${dataDir}`);
}
