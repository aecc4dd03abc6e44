import { LineCounter, parseDocument } from "yaml";
import { storedIdentitiesByCode } from "../db/queries/members.ts";
import { type RosterSyncSummary, syncRoster } from "../db/queries/roster-sync.ts";
import type { Database } from "../db/types.ts";
import {
  applyResolvedContacts,
  formatRosterPath,
  RESOLVED_ID_KIND,
  type ResolvedContacts,
  type Roster,
  type RosterPath,
  type RosterPlatform,
  validateRoster,
} from "../domain/roster.ts";
import { localDate } from "../domain/time.ts";
import type { ContactDirectory } from "../platforms/adapter.ts";
import type { IdentityKind, PlatformName } from "../platforms/types.ts";

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
  contacts: ContactResolution;
}

/** Where a roster's mobiles and emails can be looked up: the configured platforms, and the ones that are not. */
export interface ContactSources {
  directories: { platform: RosterPlatform; label: string; directory: ContactDirectory }[];
  /** Labels of platforms that are not configured (their ids cannot be looked up now). */
  offline: string[];
}

export interface ContactResolution {
  /** Members whose mobile or email found an id on some platform. */
  resolved: number;
  /** One line per person not found on a platform that was asked: “第 N 行 members[i]（姓名）：…”. */
  unresolved: string[];
  /** Platforms that could not be asked (not configured, or the lookup failed), with why. */
  notAsked: string[];
}

/** Parses, validates and applies a roster in one transaction: any bad entry means nothing is written. */
export async function importRoster(
  db: Database,
  yamlText: string,
  options: { actorLabel?: string; now: Date; timezone: string; contacts?: ContactSources },
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
  if (!result.ok) {
    throw new RosterImportError(
      result.problems.map((p) => {
        const line = lineOf(p.path);
        const where = p.path.length ? `${formatRosterPath(p.path.slice(0, 2))}${nameOf(p.path)}` : "";
        return `${line ? `第 ${line} 行 ` : ""}${where}${where ? "：" : ""}${p.message}`;
      }),
    );
  }
  const stored = options.contacts
    ? await storedIdentitiesByCode(db, result.roster.organisation.code)
    : new Map();
  const resolution = await resolveContacts(result.roster, options.contacts, stored, (index, what) => {
    const path = ["members", index, what];
    const line = lineOf(path);
    return `${line ? `第 ${line} 行 ` : ""}${formatRosterPath(path.slice(0, 2))}${nameOf(path)}`;
  });
  const roster = resolution.roster;
  const today = localDate(options.now, roster.organisation.timezone ?? options.timezone);
  const summary = await db.transaction((tx) =>
    syncRoster(tx, roster, { actorLabel: options.actorLabel ?? "roster-import", now: options.now, today }),
  );
  return {
    ...summary,
    branches: roster.branches.length,
    members: roster.members.length,
    unchanged: summary.created + summary.updated + summary.deactivated === 0,
    contacts: resolution.report,
  };
}

/**
 * Looks up, on every configured platform, the members the roster gives a mobile or email for but no id
 * of that platform; ids the roster writes out win. Asked again on every import, so a changed number or
 * a member who has since joined the platform is picked up. A platform that cannot be asked leaves its
 * ids as they were stored before.
 */
async function resolveContacts(
  roster: Roster,
  sources: ContactSources | undefined,
  stored: Map<string, { platform: PlatformName; kind: IdentityKind; value: string }[]>,
  where: (index: number, field: "mobile" | "email") => string,
): Promise<{ roster: Roster; report: ContactResolution }> {
  const report: ContactResolution = { resolved: 0, unresolved: [], notAsked: [] };
  const wanting = roster.members.filter((m) => m.mobile || m.email);
  if (wanting.length === 0) return { roster, report };
  const asked: ResolvedContacts[] = [];
  const reasons = new Map<string, string>();
  const labels = new Map<string, string>();
  for (const { platform, label, directory } of sources?.directories ?? []) {
    labels.set(platform, label);
    const missing = wanting.filter((m) => (platform === "feishu" ? !m.feishu.openId : !m.dingtalk.staffId));
    if (missing.length === 0) continue;
    const uniq = (xs: (string | undefined)[]) => [...new Set(xs.filter((x): x is string => Boolean(x)))];
    try {
      const found = await directory.resolve({
        mobiles: uniq(missing.map((m) => m.mobile)),
        emails: uniq(missing.map((m) => m.email)),
      });
      for (const [k, v] of found.reasons) reasons.set(`${platform}|${k}`, v);
      asked.push({ platform, byMobile: found.byMobile, byEmail: found.byEmail });
    } catch (error) {
      report.notAsked.push(
        `${label}：查询失败（${error instanceof Error ? error.message : String(error)}），已保留此前的标识`,
      );
    }
  }
  for (const label of sources?.offline ?? [])
    report.notAsked.push(`${label}：未配置，无法按手机号/邮箱查询，已保留此前的标识`);
  // A platform not asked now keeps what an earlier import found (the sync removes ids the roster lacks).
  const askedPlatforms = new Set(asked.map((a) => a.platform));
  const kept = (["feishu", "dingtalk"] as const)
    .filter((p) => !askedPlatforms.has(p))
    .map((platform) => {
      const byCode = new Map<string, string>();
      for (const m of wanting) {
        const id = stored
          .get(m.code)
          ?.find((x) => x.platform === platform && x.kind === RESOLVED_ID_KIND[platform]);
        if (id) byCode.set(m.code, id.value);
      }
      return { platform, byCode };
    });
  const keptRoster: Roster = {
    ...roster,
    members: roster.members.map((m) => {
      let out = m;
      for (const k of kept) {
        const id = k.byCode.get(m.code);
        if (!id) continue;
        if (k.platform === "feishu" && !out.feishu.openId)
          out = { ...out, feishu: { ...out.feishu, openId: id } };
        if (k.platform === "dingtalk" && !out.dingtalk.staffId) out = { ...out, dingtalk: { staffId: id } };
      }
      return out;
    }),
  };
  const applied = applyResolvedContacts(keptRoster, asked);
  report.resolved = applied.roster.members.filter((m, i) => {
    const was = keptRoster.members[i];
    return was && (m.feishu.openId !== was.feishu.openId || m.dingtalk.staffId !== was.dingtalk.staffId);
  }).length;
  for (const u of applied.unresolved) {
    const label = labels.get(u.platform) ?? u.platform;
    const key = u.member.mobile ?? u.member.email ?? "";
    const why = reasons.get(`${u.platform}|${key}`) ?? "不存在，或不在本应用的通讯录权限范围内";
    const what = u.member.mobile ? `手机号 ${u.member.mobile}` : `邮箱 ${u.member.email}`;
    report.unresolved.push(
      `${where(u.index, u.member.mobile ? "mobile" : "email")}：${label}未查到${what}（${why}）`,
    );
  }
  return { roster: applied.roster, report };
}
