#!/usr/bin/env node
/**
 * Bundles the Node entry into dist/node.mjs with esbuild (our own code only; packages stay in
 * node_modules). `npm start` runs it before every start: it takes well under a second, so the
 * server never runs stale code and never pays for a TypeScript loader at run time.
 */
import { createRequire } from "node:module";
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
await build({
  entryPoints: { node: "src/entry/node.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  plugins: [packagesExternal],
  sourcemap: "linked",
  logLevel: "warning",
});
if (process.argv.includes("--verbose")) console.log(`dist/node.mjs built in ${Date.now() - started} ms`);
