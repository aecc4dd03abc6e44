import { Hono } from "hono";
import type { Config } from "../config.ts";
import type { DatabaseHandle } from "../db/types.ts";
import type { Logger } from "../lib/logger.ts";
import type { InboundSink, PlatformSet } from "../platforms/adapter.ts";
import { PLATFORMS } from "../platforms/index.ts";
import { limitBodies } from "./body-limit.ts";

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  /** Each configured platform's receiver mounts its webhooks here and hands events to `sink`. */
  platforms?: PlatformSet;
  sink?: InboundSink;
}

/** A mountable piece of the HTTP surface (admin routes, the local console …). */
export type RouteModule = (app: Hono) => void;

export function createApp(deps: AppDeps, modules: RouteModule[] = []): Hono {
  const app = new Hono();
  const platforms = deps.platforms ?? new Map();
  // Before any route: every body (webhooks, admin routes) is capped before anything reads it.
  app.use("*", limitBodies(deps.config.maxBodyBytes, deps.logger));
  // Before the default page: a module may serve `/` itself (the local console does).
  for (const mount of modules) mount(app);

  app.get("/", (c) => c.text("支部助手（zhibu）正在运行。健康检查：/healthz\n"));

  // Public: says ok or degraded and which parts are up, never why (the reason goes to the log).
  app.get("/healthz", async (c) => {
    const started = Date.now();
    const configured = Object.fromEntries(PLATFORMS.map((p) => [p.name, platforms.has(p.name)]));
    try {
      await deps.database.ping(2000);
      return c.json({
        status: "ok",
        database: { kind: deps.database.kind, ok: true, latencyMs: Date.now() - started },
        platforms: configured,
      });
    } catch (error) {
      deps.logger.warn("health check: database unavailable", { error });
      return c.json(
        { status: "degraded", database: { kind: deps.database.kind, ok: false }, platforms: configured },
        503,
      );
    }
  });

  if (deps.sink) {
    for (const adapter of platforms.values()) adapter.receiver.routes?.(app, deps.sink);
  }

  app.notFound((c) => c.json({ error: "not_found" }, 404));
  app.onError((error, c) => {
    deps.logger.error("unhandled error", { error, path: c.req.path });
    return c.json({ error: "internal_error" }, 500);
  });
  return app;
}
