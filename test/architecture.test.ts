/**
 * The shape the code keeps (README: Architecture): a platform's wire format, error codes, headers and
 * limits stay in its folder under src/platforms/; SQL stays in src/db/; src/domain/ stays pure.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [relative(root, path)] : [];
  });
}

const all = sources(join(root, "src"));
const text = (file: string) => readFileSync(join(root, file), "utf8");
/** The platform folder a file belongs to, if any: src/platforms/<name>/… */
const platformOf = (file: string) => /^src\/platforms\/([^/]+)\//.exec(file)?.[1];

/** Marks of one platform's wire protocol: JSON fields, headers, error codes, endpoints. */
const PLATFORM_MARKS: Record<string, RegExp> = {
  feishu:
    /\b(receive_id|msg_type|open_chat_id|tenant_access_token|update_multi|card\.action\.trigger|im\.message|x-lark-[a-z-]+|x-ogw-[a-z-]+|99991\d{3}|2300\d{2})\b/,
  dingtalk:
    /\b(x-acs-dingtalk[a-z-]*|sessionWebhook|senderStaffId|outTrackId|openConversationId|robotCode|cardParamMap|x-ddpaas-signature)\b/,
};

/** Files that name identity kinds as data: the shared list, and the roster file's format. */
const IDENTITY_KIND_FILES = new Set([
  "src/domain/identity.ts",
  "src/domain/roster.ts",
  "src/db/queries/roster-sync.ts",
]);

describe("architecture", () => {
  it("no file outside a platform's folder names that platform's JSON fields, headers or error codes", () => {
    const offences: string[] = [];
    for (const file of all) {
      const own = platformOf(file);
      const body = text(file);
      for (const [platform, marks] of Object.entries(PLATFORM_MARKS)) {
        if (own === platform) continue;
        const hit = marks.exec(body);
        if (hit) offences.push(`${file}: ${hit[0]} (${platform})`);
      }
      if (!own && !IDENTITY_KIND_FILES.has(file)) {
        const kind = /["'](open_id|user_id|union_id|staff_id)["']/.exec(body);
        if (kind) offences.push(`${file}: identity kind ${kind[0]} (the adapter's identityKind says it)`);
      }
    }
    expect(offences).toEqual([]);
  });

  it("the check notices a platform's marks where they do not belong", () => {
    expect(PLATFORM_MARKS.feishu?.test('data: { receive_id: "oc_1", msg_type: "text" }')).toBe(true);
    expect(PLATFORM_MARKS.feishu?.test("code 230020")).toBe(true);
    expect(PLATFORM_MARKS.dingtalk?.test("headers['x-acs-dingtalk-access-token']")).toBe(true);
    expect(PLATFORM_MARKS.feishu?.test("the chat's receive")).toBe(false);
  });

  it("only src/db/ imports drizzle-orm or the schema", () => {
    const offences = all
      .filter((f) => !f.startsWith("src/db/"))
      .filter((f) => /from "(drizzle-orm[^"]*|[./]*\/db\/schema\.ts)"/.test(text(f)));
    expect(offences).toEqual([]);
  });

  it("src/domain/ is pure: no framework, database, SDK or clock", () => {
    const offences = all
      .filter((f) => f.startsWith("src/domain/"))
      .flatMap((f) => {
        const body = text(f);
        // Other domain modules, and the platform-neutral message shapes as types only.
        const imports = [...body.matchAll(/^import (type )?[^;]*? from "([^"]+)";/gms)];
        const bad = imports
          .filter((m) => !m[2]?.startsWith("./") && !(m[1] && m[2] === "../platforms/types.ts"))
          .map((m) => m[2] ?? "");
        const clock = /\bnew Date\(\)|Date\.now\(\)/.test(body) ? ["reads the clock"] : [];
        return [...bad, ...clock].map((b) => `${f}: ${b}`);
      });
    expect(offences).toEqual([]);
  });

  it("every feature is in the list and every platform in the registry", () => {
    const features = readdirSync(join(root, "src/app"), { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== "views")
      .filter((d) => readdirSync(join(root, "src/app", d.name)).includes("index.ts"))
      .map((d) => d.name);
    const list = text("src/app/features.ts");
    for (const f of features) expect(list, f).toContain(`./${f}/index.ts`);
    const registry = text("src/platforms/index.ts");
    for (const d of readdirSync(join(root, "src/platforms"), { withFileTypes: true })) {
      if (d.isDirectory() && readdirSync(join(root, "src/platforms", d.name)).includes("index.ts"))
        expect(registry, d.name).toContain(`./${d.name}/index.ts`);
    }
  });
});
