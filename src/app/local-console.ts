/**
 * What the local console asks of the running bot: the roster to pick a person and a chat from, the
 * example organ for an empty database, and time travel — the console's clock moves forward and the
 * scheduler runs at once, so tomorrow's reminders and cards arrive now.
 */

import { readFile } from "node:fs/promises";
import { ensureLocalAddresses, hasAnyOrganisation, listConsoleRoster } from "../db/queries/local-console.ts";
import type { Database } from "../db/types.ts";
import { MEMBER_ROLE_LABELS } from "../domain/labels.ts";
import type { OffsetClock } from "../lib/offset-clock.ts";
import { projectFile } from "../lib/project-file.ts";
import type { ConsoleRoster, LocalConsoleHost } from "../platforms/local/routes.ts";
import { importRoster } from "./import-roster.ts";
import type { RunningBot } from "./running-bot.ts";

export const EXAMPLE_ROSTER_URL = projectFile("examples/org.yaml", import.meta.url);

/** Waiting for the bot after a line or click, at most this long: the page polls for anything later. */
const SETTLE_LIMIT_MS = 5000;

export function createLocalConsoleHost(deps: {
  db: Database;
  running: RunningBot;
  clock: OffsetClock;
  timeZone: string;
}): LocalConsoleHost {
  const { db, running, clock } = deps;
  const settle = async () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      running.idle(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, SETTLE_LIMIT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
  };
  let loading: Promise<string> | undefined;

  async function roster(): Promise<ConsoleRoster> {
    if (!(await hasAnyOrganisation(db))) return { empty: true, branches: [] };
    await ensureLocalAddresses(db);
    const branches = await listConsoleRoster(db);
    return {
      empty: false,
      branches: branches.map((b) => ({
        id: b.id,
        name: b.name,
        orgName: b.orgName,
        ...(b.chatId ? { chatId: b.chatId } : {}),
        members: b.members.map((m) => ({
          id: m.id,
          name: m.name,
          roles: [
            ...(m.role === "member" ? [] : [MEMBER_ROLE_LABELS[m.role]]),
            ...(m.isAdmin ? ["机关党委工作人员"] : []),
            ...(m.isLeader ? [m.leaderTitle ?? "联系领导"] : []),
          ],
        })),
      })),
    };
  }

  return {
    roster,
    async loadExample() {
      // One click at a time; and never over a roster already there (that is the roster import's job).
      loading ??= (async () => {
        if (await hasAnyOrganisation(db)) return "数据库里已有名册，未重复载入。";
        const result = await importRoster(db, await readFile(EXAMPLE_ROSTER_URL, "utf8"), {
          actorLabel: "local-console:example",
          now: clock.now(),
          timezone: deps.timeZone,
        });
        await ensureLocalAddresses(db);
        return `已载入示例名册：${result.branches} 个支部、${result.members} 名党员。`;
      })().finally(() => {
        loading = undefined;
      });
      return loading;
    },
    async travel(ms) {
      clock.advance(ms);
      await running.scheduler.tick();
      await settle();
    },
    clock: () => ({ now: clock.now(), offsetMs: clock.offsetMs(), timeZone: deps.timeZone }),
    settle,
  };
}
