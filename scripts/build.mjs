#!/usr/bin/env node
import { spawnSync } from "node:child_process";
/**
 * Bundles the Node entry into dist/node.mjs with esbuild, with the packages it uses (see EXTERNAL
 * for those that stay in node_modules). `npm start` runs it before every start: it takes about a
 * second, so the server never runs stale code and never pays for a TypeScript loader at run time.
 *
 * Code behind a dynamic import() goes into chunks of its own (dist/chunk-*.mjs): a package it
 * imports, such as the Feishu SDK (0.8 s and 55 MB to load), then loads only when that code runs,
 * instead of being hoisted into the entry's imports. Chunks sit next to the entry, so paths
 * relative to import.meta.url (drizzle/, examples/) are the same from either.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import { build } from "esbuild";

const require = createRequire(import.meta.url);

/**
 * The Feishu SDK is one 6 MB file of CommonJS (API tables and Chinese comments) that pulls in axios,
 * protobufjs and more: loaded as published it takes ~0.8 s and ~55 MB. Bundled with its dependencies
 * and minified once per SDK version into dist/vendor/, it loads in about half the time and ~20 MB
 * less. Its package.json sits one level above the code, where the SDK looks for its own version.
 * If this fails for any reason the server uses the SDK from node_modules as published.
 */
const SDK = "@larksuiteoapi/node-sdk";
const SDK_DIR = "dist/vendor/larksuiteoapi-node-sdk";
const SDK_FILE = `${SDK_DIR}/lib/index.mjs`;
const VENDOR_FORMAT = 1;

async function vendorFeishuSdk() {
  const pkgPath = require.resolve(`${SDK}/package.json`);
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
  const stamp = `${pkg.version}/${VENDOR_FORMAT}`;
  const stampPath = `${SDK_DIR}/.built-from`;
  if (existsSync(SDK_FILE) && existsSync(stampPath) && readFileSync(stampPath, "utf8") === stamp) return true;
  try {
    rmSync(SDK_DIR, { recursive: true, force: true });
    // Named exports, listed from the SDK itself, so `import { Client } from …` keeps working.
    const names = Object.keys(require(SDK)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== "default");
    await build({
      stdin: {
        contents: `export { ${names.join(", ")} } from ${JSON.stringify(require.resolve(SDK))};`,
        resolveDir: process.cwd(),
        loader: "js",
      },
      outfile: SDK_FILE,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      minify: true,
      legalComments: "none",
      // CommonJS code inside an ES module: give it require, __filename and __dirname.
      banner: {
        js: [
          'import { createRequire as __zCreateRequire } from "node:module";',
          'import { fileURLToPath as __zFileURLToPath } from "node:url";',
          'import { dirname as __zDirname } from "node:path";',
          "const require = __zCreateRequire(import.meta.url);",
          "const __filename = __zFileURLToPath(import.meta.url);",
          "const __dirname = __zDirname(__filename);",
        ].join("\n"),
      },
      logLevel: "error",
    });
    writeFileSync(`${SDK_DIR}/package.json`, readFileSync(pkgPath));
    writeFileSync(stampPath, stamp);
    return true;
  } catch (error) {
    console.warn(`飞书 SDK 预打包失败，改用 node_modules 中的原版：${error.message}`);
    rmSync(SDK_DIR, { recursive: true, force: true });
    return false;
  }
}
const vendoredSdk = await vendorFeishuSdk();

/**
 * Packages are bundled too: Node resolving and compiling some 400 small ES modules of drizzle-orm, zod,
 * hono and the rest cost ~0.5 s of CPU per start. Those that find files next to their own code stay
 * in node_modules: PGlite (its WASM and data files), node-cron (its daemon script), and the Feishu SDK
 * when it could not be prebundled.
 */
const EXTERNAL = ["@electric-sql/pglite", "node-cron", SDK];

const packagesExternal = {
  name: "packages-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      vendoredSdk && args.path === SDK
        ? { path: `./${SDK_FILE.slice("dist/".length)}`, external: true }
        : EXTERNAL.some((name) => args.path === name || args.path.startsWith(`${name}/`))
          ? { path: args.path, external: true }
          : undefined,
    );
  },
};

const started = Date.now();
const result = await build({
  entryPoints: { node: "src/entry/node.ts", "data-template": "src/entry/data-template.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  plugins: [packagesExternal],
  splitting: true,
  // Bundled CommonJS packages (yaml, dataloader) require Node's built-ins.
  banner: {
    js: 'import { createRequire as __zCreateRequire } from "node:module"; const require = __zCreateRequire(import.meta.url);',
  },
  chunkNames: "chunk-[hash]",
  sourcemap: "linked",
  // Stack traces need the mappings, not a second copy of the source in memory.
  sourcesContent: false,
  metafile: true,
  logLevel: "warning",
});
// Chunks of earlier builds go; chunks are only imported while a server starts (platform adapters).
const current = new Set(Object.keys(result.metafile.outputs).map((file) => basename(file)));
for (const file of readdirSync("dist")) {
  if (/^chunk-.*\.mjs(\.map)?$/.test(file) && !current.has(file)) rmSync(join("dist", file), { force: true });
}
if (process.argv.includes("--verbose")) console.log(`dist/node.mjs built in ${Date.now() - started} ms`);

// The embedded database's template (src/entry/data-template.ts): built when missing or older than the
// migrations, otherwise this returns at once. Its failure is reported by it and never fails the build.
spawnSync(process.execPath, ["dist/data-template.mjs"], { stdio: "inherit", timeout: 180_000 });
