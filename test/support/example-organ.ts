import { afterAll, beforeAll } from "vitest";
import type { Database } from "../../src/db/types.ts";
import type { DatabaseTarget, TestDatabase } from "./databases.ts";
import { importExampleRoster } from "./roster.ts";

/**
 * For one describe block: a fresh database of `target` holding examples/org.yaml, created before its
 * tests and closed after them. Read `.db` inside the tests (it does not exist before `beforeAll`).
 */
export function useExampleOrgan(target: DatabaseTarget): { readonly db: Database } {
  let handle: TestDatabase | undefined;
  beforeAll(async () => {
    handle = await target.create();
    await importExampleRoster(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
  });
  return {
    get db() {
      if (!handle) throw new Error("the example organ's database is created in beforeAll");
      return handle.db;
    },
  };
}
