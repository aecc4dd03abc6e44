import { LineCounter, parseDocument } from "yaml";
import { type RosterSyncSummary, syncRoster } from "../db/queries/roster-sync.ts";
import type { Database } from "../db/types.ts";
import { formatRosterPath, type RosterPath, validateRoster } from "../domain/roster.ts";
import { localDate } from "../domain/time.ts";

export class RosterImportError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `名册有 ${problems.length} 处错误，未导入任何内容：\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "RosterImportError";
  }
}

export interface RosterImportResult extends RosterSyncSummary {
  orgId: string;
  branches: number;
  members: number;
  unchanged: boolean;
}

/** Parses, validates and applies a roster in one transaction: any bad entry means nothing is written. */
export async function importRoster(
  db: Database,
  yamlText: string,
  options: { actorLabel?: string; now: Date; timezone: string },
): Promise<RosterImportResult> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new RosterImportError(
      doc.errors.map((e) => {
        const line = e.linePos?.[0]?.line;
        return `${line ? `第 ${line} 行：` : ""}YAML 格式错误：${e.message.split("\n")[0]}`;
      }),
    );
  }
  const data: unknown = doc.toJS();
  const result = validateRoster(data);
  if (!result.ok) {
    const lineOf = (path: RosterPath): number | undefined => {
      // Walk up the path until a node with a source position is found.
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    };
    const nameOf = (path: RosterPath): string => {
      if (path.length < 2 || typeof path[1] !== "number") return "";
      const entry = doc.getIn(path.slice(0, 2)) as { get?: (k: string) => unknown } | undefined;
      const name = entry?.get?.("name") ?? entry?.get?.("leader");
      return typeof name === "string" || typeof name === "number" ? `（${name}）` : "";
    };
    throw new RosterImportError(
      result.problems.map((p) => {
        const line = lineOf(p.path);
        const where = p.path.length ? `${formatRosterPath(p.path.slice(0, 2))}${nameOf(p.path)}` : "";
        return `${line ? `第 ${line} 行 ` : ""}${where}${where ? "：" : ""}${p.message}`;
      }),
    );
  }
  const roster = result.roster;
  const today = localDate(options.now, roster.organisation.timezone ?? options.timezone);
  const summary = await db.transaction((tx) =>
    syncRoster(tx, roster, { actorLabel: options.actorLabel ?? "roster-import", now: options.now, today }),
  );
  return {
    ...summary,
    branches: roster.branches.length,
    members: roster.members.length,
    unchanged: summary.created + summary.updated + summary.deactivated === 0,
  };
}
