import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
// drizzle-kit resolves --out relative to the working directory, so the scratch copy lives inside the repo (ignored by git).
const scratch = `tmp/migration-check-${process.pid}`;

async function generateInto(dir: string, schema = "./src/db/schema.ts") {
  return run(
    "npx",
    ["drizzle-kit", "generate", "--dialect=postgresql", `--schema=${schema}`, `--out=./${dir}`],
    {
      env: { ...process.env, FORCE_COLOR: "0" },
    },
  );
}

describe("schema and migrations", () => {
  afterAll(() => rmSync("tmp", { recursive: true, force: true }));

  it("the committed migrations describe exactly src/db/schema.ts", async () => {
    const dir = `${scratch}/same`;
    cpSync("drizzle", dir, { recursive: true });
    const before = readdirSync(dir).sort();
    const { stdout } = await generateInto(dir);
    expect(readdirSync(dir).sort(), `drizzle-kit would generate a new migration:\n${stdout}`).toEqual(before);
  }, 60_000);

  it("the check notices a schema the migrations do not cover", async () => {
    const dir = `${scratch}/drift`;
    cpSync("drizzle", dir, { recursive: true });
    mkdirSync(`${scratch}/schema`, { recursive: true });
    const drifted = `${scratch}/schema/drifted.ts`;
    writeFileSync(
      drifted,
      `export * from "../../../src/db/schema.ts";\nimport { pgTable, text } from "drizzle-orm/pg-core";\nexport const extra = pgTable("extra_table", { id: text("id").primaryKey() });\n`,
    );
    const before = readdirSync(dir).length;
    await generateInto(dir, `./${drifted}`);
    expect(readdirSync(dir).length).toBeGreaterThan(before);
  }, 60_000);
});
