/**
 * Runs CLUSTER_WORKERS (default 2) processes of the Node server (src/entry/node.ts) behind one port with
 * node:cluster, as tests of several processes against one Postgres need. The workers listen on the
 * same port (PORT=0: the same random one for all) and take connections in turn. A worker that exits
 * is not replaced; SIGTERM to the process group stops them all.
 */
import cluster from "node:cluster";

const count = Number(process.env.CLUSTER_WORKERS ?? 2);
cluster.setupPrimary({
  exec: new URL("../../src/entry/node.ts", import.meta.url).pathname,
  execArgv: ["--import", "tsx"],
});
for (let i = 0; i < count; i++) cluster.fork();
cluster.on("exit", (worker, code, signal) => {
  console.log(`worker ${worker.process.pid} exited (${signal ?? code})`);
  if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
});
// The workers stop on the same signal (they are in this process group); wait for them.
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => {});
