/**
 * Why the database could not be opened, as a sentence for whoever runs the server: what is wrong and
 * which variable to change. The entry prints it without a stack trace and exits with code 2.
 */
export class DatabaseStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatabaseStartError";
  }
}

export type DatabaseTarget = { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string };

function field(error: unknown, name: string): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const value = (error as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

/** host:port, database and user from a connection string; never its password. */
function describeUrl(url: string): { where: string; database: string; user: string } {
  try {
    const u = new URL(url);
    return {
      where: `${u.hostname || "localhost"}:${u.port || "5432"}`,
      database: decodeURIComponent(u.pathname.replace(/^\//, "")) || decodeURIComponent(u.username),
      user: decodeURIComponent(u.username) || "（未指定）",
    };
  } catch {
    return { where: "（无法解析的地址）", database: "", user: "" };
  }
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: "连接被拒绝",
  ENOTFOUND: "找不到该主机",
  EAI_AGAIN: "无法解析主机名",
  EHOSTUNREACH: "主机不可达",
  ENETUNREACH: "网络不可达",
  ETIMEDOUT: "连接超时",
  CONNECT_TIMEOUT: "连接超时",
  ECONNRESET: "连接被对方断开",
};

/**
 * The sentence for an error met while opening the database, or undefined when it is not one a
 * setting can fix (then the original error, with its stack, is the useful report).
 */
export function describeDatabaseError(error: unknown, target: DatabaseTarget): string | undefined {
  const code = field(error, "code");
  if (!code) return undefined;
  if (target.kind === "pglite") {
    if (code === "EACCES" || code === "EPERM" || code === "EROFS")
      return `无法写入数据目录 ${target.dataDir}（权限不足或只读）：请让运行本程序的用户可以写入该目录，或在 DATA_DIR 中指定另一个目录。`;
    if (code === "ENOSPC")
      return `数据目录 ${target.dataDir} 所在磁盘已满：请腾出空间，或在 DATA_DIR 中指定另一块磁盘上的目录。`;
    return undefined;
  }
  const { where, database, user } = describeUrl(target.url);
  const unreachable = UNREACHABLE[code];
  if (unreachable)
    return `无法连接数据库 ${where}（${unreachable}）：请确认 PostgreSQL 正在运行、地址和端口无误，并检查 DATABASE_URL。`;
  switch (code) {
    case "3D000":
      return `数据库 ${database} 在 ${where} 上不存在：请先创建它（例如 createdb ${database}），或在 DATABASE_URL 中改用已有的数据库。`;
    case "28P01":
      return `数据库用户 ${user} 的密码不正确（${where}）：请检查 DATABASE_URL 中的用户名和密码。`;
    case "28000":
      return `数据库 ${where} 拒绝了用户 ${user} 的连接（${(error as Error).message}）：请检查 DATABASE_URL 中的用户名，或数据库的访问设置（pg_hba.conf）。`;
    case "42501":
      return `数据库用户 ${user} 没有建表的权限（${(error as Error).message}）：请授予该用户数据库 ${database} 的 CREATE 权限，或在 DATABASE_URL 中改用有权限的用户。`;
    default:
      return undefined;
  }
}

/** The database was migrated by a newer zhibu than this one: running on would meet tables it does not know. */
export function newerMigrationsMessage(target: DatabaseTarget, inDatabase: number, inCode: number): string {
  const at = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  const fix =
    target.kind === "postgres"
      ? "请升级本程序后再启动，或在 DATABASE_URL 中改用另一个数据库。"
      : `请升级本程序后再启动，或在 DATA_DIR 中指定另一个目录（当前为 ${target.dataDir}）。`;
  return `数据库已由更新版本的支部助手升级（其最新迁移生成于 ${at(inDatabase)} UTC，本程序最新的迁移生成于 ${at(inCode)} UTC），本程序无法安全地使用它：${fix}`;
}
