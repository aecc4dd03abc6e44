/**
 * The local console's HTTP surface on the server's own Hono app: the page at `/` and a small JSON API
 * under /local/api/. What it changes is only what a chat command or card click could change — it hands
 * typed lines and clicks to the adapter, which gives them to the event router like any platform — plus
 * loading the example roster into an empty database and moving the console's own clock forward.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import { zonedInstant } from "../../domain/time.ts";
import { type LocalAdapter, LocalConsoleError, type LocalEntry, privateConversationOf } from "./adapter.ts";
import { renderCardHtml } from "./card-html.ts";
import { isLoopbackHost } from "./config.ts";
import { consolePage } from "./page.ts";

export interface ConsolePerson {
  id: string;
  name: string;
  /** 书记, 党员, 机关党委 … as the roster says. */
  roles: string[];
}

export interface ConsoleRoster {
  empty: boolean;
  branches: { id: string; name: string; orgName: string; chatId?: string; members: ConsolePerson[] }[];
}

/** What the console needs from the running bot and its database (wired by the Node runtime). */
export interface LocalConsoleHost {
  roster(): Promise<ConsoleRoster>;
  /** Loads examples/org.yaml, only into an empty database; says what was loaded. */
  loadExample(): Promise<string>;
  /** Moves the console's clock forward by `ms`, then runs the scheduler at the new time. */
  travel(ms: number): Promise<void>;
  clock(): { now: Date; offsetMs: number; timeZone: string };
  /** Waits (bounded) until what was just typed or clicked is processed and its replies are sent. */
  settle(): Promise<void>;
}

export interface LocalRoutesOptions {
  /** LOCAL_CONSOLE=on: the admin allows other host names (a trusted network). */
  anyHost: boolean;
}

/** A typed line is at most this long, as a chat message would be (the bot caps commands itself too). */
const MAX_TEXT = 2000;
const MAX_TRAVEL_MINUTES = 366 * 24 * 60;

/**
 * DNS rebinding and cross-site posts: a page elsewhere must not drive the console through the browser of
 * someone who has it open. Host must be this machine (unless allowed), and writes must be same-origin JSON.
 */
function guard(options: LocalRoutesOptions): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header("host") ?? "";
    const hostname = host.replace(/:\d+$/, "");
    if (!options.anyHost && !isLoopbackHost(hostname)) return c.text("本地体验控制台只接受本机访问", 403);
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      if (!(c.req.header("content-type") ?? "").startsWith("application/json"))
        return c.json({ error: "需要 JSON 请求" }, 415);
      const origin = c.req.header("origin");
      if (origin && new URL(origin).host !== host) return c.json({ error: "不接受其他网站的请求" }, 403);
    }
    await next();
  };
}

async function body(c: Context): Promise<Record<string, unknown>> {
  try {
    const value: unknown = await c.req.json();
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new LocalConsoleError("请求格式不对", 400);
}

const text = (v: unknown, what: string): string => {
  if (typeof v !== "string" || v.trim() === "") throw new LocalConsoleError(`缺少${what}`, 400);
  return v;
};

function formValueOf(v: unknown): Record<string, string | string[]> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw new LocalConsoleError("表单内容格式不对", 400);
  const out: Record<string, string | string[]> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === "string") out[k] = x;
    else if (Array.isArray(x) && x.every((y) => typeof y === "string")) out[k] = x;
    else throw new LocalConsoleError("表单内容格式不对", 400);
  }
  return out;
}

export function localConsoleRoutes(
  adapter: LocalAdapter,
  host: LocalConsoleHost,
  options: LocalRoutesOptions,
): (app: Hono) => void {
  /** The person must be in the roster, and may write in their branch chats' or their own private chat. */
  async function checkSpeaker(as: string, conversation?: string) {
    const roster = await host.roster();
    const person = roster.branches.flatMap((b) => b.members).find((m) => m.id === as);
    if (!person) throw new LocalConsoleError("名册中没有这位同志，请重新选择“我是”", 400);
    if (conversation === undefined || conversation === privateConversationOf(as)) return roster;
    if (!roster.branches.some((b) => b.chatId === conversation))
      throw new LocalConsoleError("没有这个会话", 404);
    return roster;
  }

  const entryJson = (e: LocalEntry, names: Map<string, string>) => ({
    seq: e.seq,
    id: e.messageId,
    at: e.at.toISOString(),
    from: e.from.kind === "bot" ? { bot: true } : { id: e.from.id, name: names.get(e.from.id) ?? "（未知）" },
    updates: e.updates,
    ...(e.message.kind === "text"
      ? { text: e.message.text }
      : { html: renderCardHtml(e.message.card, e.messageId) }),
  });

  const failure = (c: Context, error: unknown) => {
    if (error instanceof LocalConsoleError) return c.json({ error: error.message }, error.status);
    throw error;
  };

  return (app) => {
    app.use("/", guard(options));
    app.use("/local/*", guard(options));

    app.get("/", (c) => {
      c.header("cache-control", "no-store");
      c.header(
        "content-security-policy",
        "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
      );
      c.header("x-frame-options", "DENY");
      return c.html(consolePage(adapter.botName));
    });

    app.get("/local/api/state", async (c) => {
      const roster = await host.roster();
      const clock = host.clock();
      return c.json({
        ...roster,
        botName: adapter.botName,
        now: clock.now.toISOString(),
        offsetMs: clock.offsetMs,
        timeZone: clock.timeZone,
        version: adapter.version(),
      });
    });

    app.get("/local/api/feed", async (c) => {
      const conversation = c.req.query("c") ?? "";
      const seen = Number(c.req.query("v"));
      const version = adapter.version();
      const clock = host.clock();
      const base = { version, now: clock.now.toISOString(), offsetMs: clock.offsetMs };
      if (seen === version) return c.json({ ...base, same: true });
      const roster = await host.roster();
      const names = new Map(roster.branches.flatMap((b) => b.members.map((m) => [m.id, m.name] as const)));
      return c.json({ ...base, entries: adapter.conversation(conversation).map((e) => entryJson(e, names)) });
    });

    app.post("/local/api/say", async (c) => {
      try {
        const b = await body(c);
        const as = text(b.as, "发言人");
        const conversation = text(b.conversation, "会话");
        const line = text(b.text, "内容").trim();
        if (line.length > MAX_TEXT) throw new LocalConsoleError(`内容过长（最多 ${MAX_TEXT} 字）`, 400);
        await checkSpeaker(as, conversation);
        await adapter.say(as, conversation, line);
        await host.settle();
        return c.json({ ok: true });
      } catch (error) {
        return failure(c, error);
      }
    });

    app.post("/local/api/click", async (c) => {
      try {
        const b = await body(c);
        const as = text(b.as, "点击人");
        const messageId = text(b.messageId, "卡片");
        const action = text(b.action, "按钮");
        const index = Number(b.index);
        if (!Number.isInteger(index) || index < 0) throw new LocalConsoleError("按钮不对", 400);
        await checkSpeaker(as);
        const response = await adapter.click(as, messageId, index, action, formValueOf(b.formValue));
        await host.settle();
        return c.json({ ok: true, ...(response.toast ? { toast: response.toast } : {}) });
      } catch (error) {
        return failure(c, error);
      }
    });

    app.post("/local/api/travel", async (c) => {
      try {
        const b = await body(c);
        const { now, timeZone } = host.clock();
        let ms: number;
        if (typeof b.to === "string") {
          // A local time in the organ's time zone, as the datetime field shows it.
          const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/.exec(b.to);
          if (!m?.[1] || !m[2]) throw new LocalConsoleError("时间格式不对", 400);
          ms = zonedInstant(m[1], m[2], timeZone).getTime() - now.getTime();
        } else ms = Number(b.minutes) * 60_000;
        if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_TRAVEL_MINUTES * 60_000)
          throw new LocalConsoleError("只能向后快进（最多 1 年）；时钟不能倒退", 400);
        await host.travel(ms);
        const clock = host.clock();
        return c.json({ ok: true, now: clock.now.toISOString(), offsetMs: clock.offsetMs });
      } catch (error) {
        return failure(c, error);
      }
    });

    app.post("/local/api/load-example", async (c) => {
      try {
        await body(c);
        return c.json({ ok: true, message: await host.loadExample() });
      } catch (error) {
        return failure(c, error);
      }
    });
  };
}
