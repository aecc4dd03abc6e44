import { type CadenceOverride, parseCadenceOverride } from "./cadence.ts";
import {
  BRANCH_KIND_LABELS,
  type BranchKind,
  lookupByLabel,
  MEMBER_ROLE_LABELS,
  type MemberRole,
} from "./labels.ts";

/** A roster as the organ writes it (YAML), validated. Pure: no I/O. */
export interface Roster {
  organisation: {
    code: string;
    name: string;
    timezone: string | undefined;
    /** Meeting frequencies the organ sets instead of the default (empty: the default throughout). */
    cadence: CadenceOverride;
  };
  branches: RosterBranch[];
  members: RosterMember[];
  liaisons: RosterLiaison[];
  leadingGroup: string[];
  centralGroup: string[];
}

export interface RosterBranch {
  code: string;
  name: string;
  kind: BranchKind;
  parent: string | undefined;
  termYears: number;
  electedOn: string | undefined;
  chats: { feishu?: string; dingtalk?: string };
  groups: string[];
  /** This branch's own frequencies; a 党总支's apply to the branches under it. */
  cadence: CadenceOverride;
}

export interface RosterMember {
  code: string;
  name: string;
  branch: string;
  role: MemberRole;
  group: string | undefined;
  isLeader: boolean;
  leaderTitle: string | undefined;
  isAdmin: boolean;
  feishu: { openId?: string; userId?: string; unionId?: string };
  dingtalk: { staffId?: string };
  /** For platforms whose id the roster does not give: looked up on import (`resolveContacts`). */
  mobile?: string;
  email?: string;
}

export interface RosterLiaison {
  leader: string;
  branch: string;
  from: string;
  to: string | undefined;
}

export type RosterPath = (string | number)[];

export interface RosterProblem {
  path: RosterPath;
  message: string;
}

export type RosterResult = { ok: true; roster: Roster } | { ok: false; problems: RosterProblem[] };

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidDate(text: string): boolean {
  const m = DATE_PATTERN.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Collects problems while reading loosely-typed YAML data, so one run reports every bad entry. */
class Reader {
  readonly problems: RosterProblem[] = [];

  fail(path: RosterPath, message: string): void {
    this.problems.push({ path, message });
  }

  text(obj: Obj, key: string, path: RosterPath, required: true): string;
  text(obj: Obj, key: string, path: RosterPath, required?: false): string | undefined;
  text(obj: Obj, key: string, path: RosterPath, required = false): string | undefined {
    const v = obj[key];
    if (v === undefined || v === null || v === "") {
      if (required) this.fail([...path, key], `缺少必填项 ${key}`);
      return required ? "" : undefined;
    }
    if (typeof v === "number") return String(v);
    if (typeof v !== "string") {
      this.fail([...path, key], `${key} 应为文字`);
      return required ? "" : undefined;
    }
    return v.trim();
  }

  id(obj: Obj, key: string, path: RosterPath): string {
    const v = this.text(obj, key, path, true);
    if (v && !ID_PATTERN.test(v))
      this.fail([...path, key], `编号 “${v}” 只能包含字母、数字、下划线、点和短横线`);
    return v;
  }

  date(obj: Obj, key: string, path: RosterPath): string | undefined {
    const raw = obj[key];
    if (raw instanceof Date) return raw.toISOString().slice(0, 10);
    const v = this.text(obj, key, path);
    if (v !== undefined && !isValidDate(v)) {
      this.fail([...path, key], `日期 “${v}” 无效，应为 YYYY-MM-DD（如 2024-03-15）`);
      return undefined;
    }
    return v;
  }

  list(obj: Obj, key: string, path: RosterPath): unknown[] {
    const v = obj[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.fail([...path, key], `${key} 应为列表`);
      return [];
    }
    return v;
  }

  cadence(obj: Obj, path: RosterPath): CadenceOverride {
    const read = parseCadenceOverride(obj.cadence, [...path, "cadence"]);
    if (read.ok) return read.override;
    for (const p of read.problems) this.fail(p.path, p.message);
    return {};
  }

  object(v: unknown, path: RosterPath, what: string): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) {
      this.fail(path, `${what} 应为键值对`);
      return undefined;
    }
    return v;
  }
}

function readBranch(r: Reader, raw: unknown, path: RosterPath): RosterBranch | undefined {
  const o = r.object(raw, path, "支部条目");
  if (!o) {
    if (raw === undefined || raw === null) r.fail(path, "空的支部条目");
    return undefined;
  }
  const kindText = r.text(o, "kind", path);
  const kind = kindText === undefined ? "branch" : lookupByLabel(BRANCH_KIND_LABELS, kindText);
  if (!kind) r.fail([...path, "kind"], `未知的组织类型 “${kindText}”，应为 党总支 或 党支部`);
  let termYears = 3;
  if (o.term_years !== undefined) {
    const n = Number(o.term_years);
    if (!Number.isInteger(n) || n < 1 || n > 10) r.fail([...path, "term_years"], "任期年数应为 1–10 的整数");
    else termYears = n;
  }
  const chats = r.object(o.chats, [...path, "chats"], "chats") ?? {};
  const chatOut: RosterBranch["chats"] = {};
  for (const key of Object.keys(chats)) {
    if (key !== "feishu" && key !== "dingtalk") {
      r.fail([...path, "chats", key], `未知平台 “${key}”，应为 feishu 或 dingtalk`);
      continue;
    }
    const v = r.text(chats, key, [...path, "chats"]);
    if (v) chatOut[key] = v;
  }
  const groups: string[] = [];
  r.list(o, "groups", path).forEach((g, i) => {
    if (typeof g !== "string" || g.trim() === "") r.fail([...path, "groups", i], "党小组名称应为文字");
    else if (groups.includes(g.trim())) r.fail([...path, "groups", i], `党小组 “${g}” 重复`);
    else groups.push(g.trim());
  });
  return {
    code: r.id(o, "id", path),
    name: r.text(o, "name", path, true),
    kind: kind ?? "branch",
    parent: r.text(o, "parent", path),
    termYears,
    electedOn: r.date(o, "elected_on", path),
    chats: chatOut,
    groups,
    cadence: r.cadence(o, path),
  };
}

function readMember(r: Reader, raw: unknown, path: RosterPath): RosterMember | undefined {
  const o = r.object(raw, path, "党员条目");
  if (!o) {
    if (raw === undefined || raw === null) r.fail(path, "空的党员条目");
    return undefined;
  }
  const roleText = r.text(o, "role", path);
  const role = roleText === undefined ? "member" : lookupByLabel(MEMBER_ROLE_LABELS, roleText);
  if (!role) {
    r.fail(
      [...path, "role"],
      `未知的职务 “${roleText}”，应为 ${Object.values(MEMBER_ROLE_LABELS).join("、")} 之一`,
    );
  }
  const leader = o.leader;
  let isLeader = false;
  let leaderTitle: string | undefined;
  if (leader === true) isLeader = true;
  else if (typeof leader === "string" && leader.trim() !== "") {
    isLeader = true;
    leaderTitle = leader.trim();
  } else if (leader !== undefined && leader !== null && leader !== false) {
    r.fail([...path, "leader"], "leader 应为 true 或领导职务（文字）");
  }
  if (o.admin !== undefined && typeof o.admin !== "boolean")
    r.fail([...path, "admin"], "admin 应为 true 或 false");
  const feishu = r.object(o.feishu, [...path, "feishu"], "feishu") ?? {};
  const dingtalk = r.object(o.dingtalk, [...path, "dingtalk"], "dingtalk") ?? {};
  for (const key of Object.keys(feishu)) {
    if (!["open_id", "user_id", "union_id"].includes(key)) {
      r.fail([...path, "feishu", key], `未知的飞书标识 “${key}”，应为 open_id、user_id 或 union_id`);
    }
  }
  for (const key of Object.keys(dingtalk)) {
    if (key !== "staff_id") r.fail([...path, "dingtalk", key], `未知的钉钉标识 “${key}”，应为 staff_id`);
  }
  const fs = (k: string) => r.text(feishu, k, [...path, "feishu"]);
  const f: RosterMember["feishu"] = {};
  const openId = fs("open_id");
  const userId = fs("user_id");
  const unionId = fs("union_id");
  if (openId) f.openId = openId;
  if (userId) f.userId = userId;
  if (unionId) f.unionId = unionId;
  const staffId = r.text(dingtalk, "staff_id", [...path, "dingtalk"]);
  const mobileText = r.text(o, "mobile", path);
  const mobile = mobileText === undefined ? undefined : normaliseMobile(mobileText);
  if (mobileText !== undefined && !mobile)
    r.fail([...path, "mobile"], `手机号 “${mobileText}” 无效，应为 11 位中国大陆手机号（可带 +86）`);
  const email = r.text(o, "email", path);
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    r.fail([...path, "email"], `邮箱 “${email}” 无效`);
  return {
    code: r.id(o, "id", path),
    name: r.text(o, "name", path, true),
    branch: r.text(o, "branch", path, true),
    role: role ?? "member",
    group: r.text(o, "group", path),
    isLeader,
    leaderTitle,
    isAdmin: o.admin === true,
    feishu: f,
    dingtalk: staffId ? { staffId } : {},
    ...(mobile ? { mobile } : {}),
    ...(email ? { email: email.toLowerCase() } : {}),
  };
}

/** 11-digit mainland mobile numbers, written with spaces, dashes or +86 as people write them. */
export function normaliseMobile(text: string): string | undefined {
  const digits = text.replace(/[\s-]/g, "").replace(/^(\+?86)(?=1\d{10}$)/, "");
  return /^1\d{10}$/.test(digits) ? digits : undefined;
}

/** The id kind a resolved mobile or email is stored as, per platform (the one each addresses people by). */
export const RESOLVED_ID_KIND = { feishu: "open_id", dingtalk: "staff_id" } as const;

/** The platforms a roster member can carry ids for (and have them looked up by mobile or email). */
export type RosterPlatform = keyof typeof RESOLVED_ID_KIND;
export const isRosterPlatform = (name: string): name is RosterPlatform => name in RESOLVED_ID_KIND;

/** One platform's answer to "who are these mobiles / emails": the id of the kind it addresses people by. */
export interface ResolvedContacts {
  platform: "feishu" | "dingtalk";
  byMobile: ReadonlyMap<string, string>;
  byEmail: ReadonlyMap<string, string>;
}

/**
 * Pure: fills in each member's missing platform id from what the platforms resolved (by mobile first,
 * then email); ids written in the roster are kept. Returns the members still unreachable on a platform
 * that was asked, in roster order.
 */
export function applyResolvedContacts(
  roster: Roster,
  resolved: ResolvedContacts[],
): {
  roster: Roster;
  unresolved: { index: number; member: RosterMember; platform: "feishu" | "dingtalk" }[];
} {
  const unresolved: { index: number; member: RosterMember; platform: "feishu" | "dingtalk" }[] = [];
  const members = roster.members.map((m, index) => {
    if (!m.mobile && !m.email) return m;
    let out = m;
    for (const r of resolved) {
      const has = r.platform === "feishu" ? Boolean(m.feishu.openId) : Boolean(m.dingtalk.staffId);
      if (has) continue;
      const id = (m.mobile && r.byMobile.get(m.mobile)) || (m.email && r.byEmail.get(m.email)) || undefined;
      if (!id) {
        unresolved.push({ index, member: m, platform: r.platform });
        continue;
      }
      out =
        r.platform === "feishu"
          ? { ...out, feishu: { ...out.feishu, openId: id } }
          : { ...out, dingtalk: { staffId: id } };
    }
    return out;
  });
  return { roster: { ...roster, members }, unresolved };
}

function readLiaison(r: Reader, raw: unknown, path: RosterPath): RosterLiaison | undefined {
  const o = r.object(raw, path, "联系点条目");
  if (!o) {
    if (raw === undefined || raw === null) r.fail(path, "空的联系点条目");
    return undefined;
  }
  const from = r.date(o, "from", path);
  if (from === undefined && o.from === undefined)
    r.fail([...path, "from"], "缺少必填项 from（联系起始日期）");
  const to = r.date(o, "to", path);
  if (from && to && to < from) r.fail([...path, "to"], `结束日期 ${to} 早于开始日期 ${from}`);
  return {
    leader: r.text(o, "leader", path, true),
    branch: r.text(o, "branch", path, true),
    from: from ?? "",
    to,
  };
}

const KNOWN_TOP_KEYS = ["organisation", "branches", "members", "liaisons", "leading_group", "central_group"];

/** Validates a roster document (already parsed from YAML) and cross-checks every reference. */
export function validateRoster(input: unknown): RosterResult {
  const r = new Reader();
  if (!isObj(input))
    return {
      ok: false,
      problems: [{ path: [], message: "名册应为键值对文档（organisation/branches/members…）" }],
    };
  for (const key of Object.keys(input)) {
    if (!KNOWN_TOP_KEYS.includes(key))
      r.fail([key], `未知的顶层项 “${key}”，可用：${KNOWN_TOP_KEYS.join("、")}`);
  }
  const orgObj = r.object(input.organisation, ["organisation"], "organisation");
  if (!orgObj) r.fail(["organisation"], "缺少 organisation（机关名称与编号）");
  const organisation = {
    code: orgObj ? r.id(orgObj, "id", ["organisation"]) : "",
    name: orgObj ? r.text(orgObj, "name", ["organisation"], true) : "",
    timezone: orgObj ? r.text(orgObj, "timezone", ["organisation"]) : undefined,
    cadence: orgObj ? r.cadence(orgObj, ["organisation"]) : {},
  };

  const branches: RosterBranch[] = [];
  const branchIndex = new Map<string, number>();
  const branchNames = new Map<string, number>();
  const chatIds = new Map<string, RosterPath>();
  r.list(input, "branches", []).forEach((raw, i) => {
    const path = ["branches", i];
    const b = readBranch(r, raw, path);
    if (!b) return;
    if (b.code && branchIndex.has(b.code)) {
      r.fail([...path, "id"], `支部编号 “${b.code}” 与 branches[${branchIndex.get(b.code)}] 重复`);
    } else if (b.code) branchIndex.set(b.code, i);
    if (b.name && branchNames.has(b.name)) {
      r.fail([...path, "name"], `支部名称 “${b.name}” 与 branches[${branchNames.get(b.name)}] 重复`);
    } else if (b.name) branchNames.set(b.name, i);
    for (const [platformName, chatId] of Object.entries(b.chats)) {
      const key = `${platformName}:${chatId}`;
      const seen = chatIds.get(key);
      if (seen) r.fail([...path, "chats", platformName], `群聊 “${chatId}” 已属于 ${seen.join("")}`);
      else chatIds.set(key, path);
    }
    branches.push(b);
  });
  if (branches.length === 0 && r.problems.length === 0) r.fail(["branches"], "名册中没有任何支部");

  const byCode = new Map(branches.map((b) => [b.code, b]));
  branches.forEach((b) => {
    const i = branchIndex.get(b.code) ?? 0;
    if (!b.parent) return;
    const parent = byCode.get(b.parent);
    if (!parent) r.fail(["branches", i, "parent"], `上级组织 “${b.parent}” 不在 branches 中`);
    else if (parent.kind !== "general_branch")
      r.fail(["branches", i, "parent"], `上级组织 “${parent.name}” 不是党总支`);
    else if (b.kind === "general_branch")
      r.fail(["branches", i, "parent"], "党总支直属机关党委，不能再设上级党总支");
  });

  const members: RosterMember[] = [];
  const memberIndex = new Map<string, number>();
  const identities = new Map<string, string>();
  r.list(input, "members", []).forEach((raw, i) => {
    const path = ["members", i];
    const m = readMember(r, raw, path);
    if (!m) return;
    if (m.code && memberIndex.has(m.code)) {
      r.fail([...path, "id"], `党员编号 “${m.code}” 与 members[${memberIndex.get(m.code)}] 重复`);
    } else if (m.code) memberIndex.set(m.code, i);
    const branch = byCode.get(m.branch);
    if (m.branch && !branch) r.fail([...path, "branch"], `未知支部 “${m.branch}”`);
    if (m.group && branch && !branch.groups.includes(m.group)) {
      r.fail([...path, "group"], `党小组 “${m.group}” 不在支部 “${branch.name}” 的 groups 中`);
    }
    const ids: [string, string | undefined][] = [
      ["飞书 open_id", m.feishu.openId],
      ["飞书 user_id", m.feishu.userId],
      ["飞书 union_id", m.feishu.unionId],
      ["钉钉 staff_id", m.dingtalk.staffId],
    ];
    for (const [label, value] of ids) {
      if (!value) continue;
      const key = `${label}:${value}`;
      const owner = identities.get(key);
      if (owner) r.fail(path, `${label} “${value}” 与 ${owner} 重复`);
      else identities.set(key, `members[${i}]（${m.name}）`);
    }
    members.push(m);
  });

  const memberByCode = new Map(members.map((m) => [m.code, m]));
  const liaisons: RosterLiaison[] = [];
  const liaisonKeys = new Set<string>();
  r.list(input, "liaisons", []).forEach((raw, i) => {
    const path = ["liaisons", i];
    const l = readLiaison(r, raw, path);
    if (!l) return;
    const leader = memberByCode.get(l.leader);
    if (l.leader && !leader) r.fail([...path, "leader"], `未知党员编号 “${l.leader}”`);
    else if (leader && !leader.isLeader)
      r.fail([...path, "leader"], `${leader.name} 未标记为领导干部（leader）`);
    const branch = byCode.get(l.branch);
    if (l.branch && !branch) r.fail([...path, "branch"], `未知支部 “${l.branch}”`);
    else if (branch && branch.kind !== "branch")
      r.fail([...path, "branch"], `联系点应为党支部，“${branch.name}” 是党总支`);
    if (leader && branch && leader.branch === branch.code) {
      r.fail([...path, "branch"], `联系点不能是 ${leader.name} 本人所在的支部（${branch.name}）`);
    }
    const key = `${l.leader}|${l.branch}|${l.from}`;
    if (liaisonKeys.has(key)) r.fail(path, "联系点条目重复");
    liaisonKeys.add(key);
    liaisons.push(l);
  });

  const readBody = (key: "leading_group" | "central_group"): string[] => {
    const out: string[] = [];
    r.list(input, key, []).forEach((raw, i) => {
      const code = typeof raw === "number" ? String(raw) : raw;
      if (typeof code !== "string" || !memberByCode.has(code))
        r.fail([key, i], `未知党员编号 “${String(raw)}”`);
      else if (out.includes(code)) r.fail([key, i], `党员编号 “${code}” 重复`);
      else out.push(code);
    });
    return out;
  };
  const leadingGroup = readBody("leading_group");
  const centralGroup = readBody("central_group");

  if (r.problems.length > 0) return { ok: false, problems: r.problems };
  return { ok: true, roster: { organisation, branches, members, liaisons, leadingGroup, centralGroup } };
}

/** "members[3].branch" for messages. */
export function formatRosterPath(path: RosterPath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}
