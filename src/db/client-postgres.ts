import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { pingDatabase } from "./ping.ts";
import * as schema from "./schema.ts";
import type { Database, DatabaseHandle } from "./types.ts";

export interface PostgresOptions {
  /** Pool size; Workers want 1–2, a Node server more. */
  max?: number;
}

/** Runtime-agnostic: works on Node and on Workers (nodejs_compat). */
export function createPostgresDatabase(url: string, options: PostgresOptions = {}): DatabaseHandle {
  const client = postgres(url, {
    max: options.max ?? 4,
    idle_timeout: 20,
    connect_timeout: 10,
    onnotice: () => {},
  });
  const db = drizzle(client, { schema }) as unknown as Database;
  let closed = false;
  return {
    db,
    kind: "postgres",
    ping: (timeoutMs) =>
      closed ? Promise.reject(new Error("数据库连接已关闭")) : pingDatabase(db, timeoutMs),
    close: async () => {
      closed = true;
      await client.end({ timeout: 5 });
    },
  };
}
