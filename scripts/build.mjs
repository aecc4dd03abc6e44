#!/usr/bin/env node
/**
 * Bundles the Node entry into dist/node.mjs with esbuild (our own code only; packages stay in
 * node_modules). `npm start` runs it before every start: it takes well under a second, so the
 * server never runs stale code and never pays for a TypeScript loader at run time.
 *
 * Code behind a dynamic import() goes into chunks of its own (dist/chunk-*.mjs): a package it
 * imports, such as the Feishu SDK (0.8 s and 55 MB to load), then loads only when that code runs,
 * instead of being hoisted into the entry's imports. Chunks sit next to the entry, so paths
 * relative to import.meta.url (drizzle/, examples/) are the same from either.
 */
import { readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import { build } from "esbuild";

const require = createRequire(import.meta.url);

/**
 * Packages stay in node_modules, except JSON data files: esbuild drops the `with { type: "json" }`
 * attribute on external imports, which Node requires, so those few are bundled instead.
 */
const packagesExternal = {
  name: "packages-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.endsWith(".json")
        ? { path: require.resolve(args.path) }
        : { path: args.path, external: true },
    );
  },
};

const started = Date.now();
const result = await build({
  entryPoints: { node: "src/entry/node.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  plugins: [packagesExternal],
  splitting: true,
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
