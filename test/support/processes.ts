import { type ChildProcess, spawn } from "node:child_process";

const root = new URL("../../", import.meta.url).pathname;

export interface Spawned {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a TypeScript entry of ours the way `npm start` / `npx zhibu` do (through tsx), without npm's overhead. */
export function spawnTs(entry: string, args: string[], env: Record<string, string>): Spawned {
  return spawnCommand(process.execPath, ["--import", "tsx", entry, ...args], env);
}

/**
 * Node with these arguments (a script of ours, or `--import tsx` and a TypeScript entry) in a process
 * group of its own, for what starts children of its own: `process.kill(-child.pid)` stops them all.
 */
export function spawnNodeGroup(args: string[], env: Record<string, string>): Spawned {
  return spawnCommand(process.execPath, args, env, true);
}

/** Stops a process group started by spawnNodeGroup: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopGroup(spawned: Spawned, graceMs = 5_000): Promise<void> {
  const pid = spawned.child.pid;
  if (pid === undefined) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {}
  };
  signal("SIGTERM");
  await Promise.race([spawned.exited, new Promise((r) => setTimeout(r, graceMs))]);
  signal("SIGKILL");
}

function spawnCommand(
  command: string,
  args: string[],
  env: Record<string, string>,
  detached = false,
): Spawned {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached,
  });
  let out = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString("utf8");
    for (const l of listeners) l();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        exited.then(() => {
          check();
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`process exited before ${pattern}; output:\n${out}`));
          }
        });
        check();
      });
    },
  };
}

/**
 * `npm start` exactly as the README says, in a process group of its own, as systemd or a terminal
 * would run it; `group` is the id to signal the whole group with (`process.kill(-group, …)`).
 */
export function startWithNpm(env: Record<string, string>): Spawned & { group: number } {
  const spawned = spawnCommand("npm", ["start"], { PORT: "0", HOST: "127.0.0.1", ...env }, true);
  return { ...spawned, group: spawned.child.pid as number };
}

export function startServer(env: Record<string, string>) {
  return spawnTs("src/entry/node.ts", [], { PORT: "0", HOST: "127.0.0.1", ...env });
}

export async function runCli(args: string[], env: Record<string, string>) {
  const p = spawnTs("src/cli/main.ts", args, env);
  const { code } = await p.exited;
  return { code, output: p.output() };
}
