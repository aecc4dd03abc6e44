import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import type { DatabaseHandle } from "../../src/db/types.ts";
import { createApp } from "../../src/http/app.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import type { InboundSink } from "../../src/platforms/adapter.ts";
import type { FeishuConfig } from "../../src/platforms/feishu/config.ts";
import { feishuOnly } from "../support/platforms.ts";

/**
 * Oversize bodies against the real app on @hono/node-server (as `npm start` serves it) over real sockets:
 * the answer must come while the client is still sending, which shows the server did not read (let alone
 * buffer) the body first.
 */

const feishu: FeishuConfig = {
  appId: "cli_limits",
  appSecret: "s",
  encryptKey: "encrypt-key-limits",
  verificationToken: "vt",
  domain: "http://127.0.0.1:9",
  botName: "支部助手",
  allowUnsigned: false,
};

/** Nothing here reaches the database; /healthz is not asked. */
const noDatabase = {
  kind: "pglite",
  ping: async () => {},
  close: async () => {},
} as unknown as DatabaseHandle;

const sinkCalls: unknown[] = [];
const sink: InboundSink = {
  accept: async (event) => {
    sinkCalls.push(event);
  },
  handleCardAction: async (event) => {
    sinkCalls.push(event);
    return {};
  },
};

async function start(env: Record<string, string> = {}) {
  const config = loadConfig(env);
  const app = createApp({
    config,
    database: noDatabase,
    logger: silentLogger,
    platforms: feishuOnly(feishu),
    sink,
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}

interface Exchange {
  status: number;
  body: string;
  /** Body bytes the client had written when the answer arrived. */
  sentWhenAnswered: number;
  total: number;
}

/**
 * POSTs `total` bytes of body in 64 KB pieces, a few milliseconds apart, and stops as soon as an answer
 * arrives. `chunked` sends no Content-Length, so the server can only count while reading.
 */
function postSlowly(port: number, path: string, total: number, chunked: boolean): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let sent = 0;
    let sentWhenAnswered = -1;
    let raw = "";
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      socket.destroy();
      if (error) return reject(error);
      const [head = "", body = ""] = raw.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      const decoded = /transfer-encoding: chunked/i.test(head)
        ? body.replace(/^[0-9a-f]+\r\n/i, "").replace(/\r\n0\r\n\r\n$/, "")
        : body;
      resolve({ status, body: decoded, sentWhenAnswered, total });
    };
    socket.on("data", (d: Buffer) => {
      if (sentWhenAnswered < 0) sentWhenAnswered = sent;
      raw += d.toString("utf8");
      const [head = "", body] = raw.split("\r\n\r\n");
      const length = /content-length: (\d+)/i.exec(head)?.[1];
      if (body !== undefined && length !== undefined && Buffer.byteLength(body) >= Number(length)) finish();
      if (body?.endsWith("0\r\n\r\n")) finish();
    });
    socket.on("end", () => finish());
    socket.on("close", () => finish());
    // The server may close the socket under a client still writing: that is the point.
    socket.on("error", (e: NodeJS.ErrnoException) =>
      ["ECONNRESET", "EPIPE"].includes(e.code ?? "") ? finish() : finish(e),
    );
    socket.on("connect", async () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          (chunked ? "Transfer-Encoding: chunked\r\n" : `Content-Length: ${total}\r\n`) +
          "\r\n",
      );
      const piece = Buffer.alloc(64 * 1024, "a");
      while (sent < total && sentWhenAnswered < 0 && !done) {
        const n = Math.min(piece.length, total - sent);
        const data = piece.subarray(0, n);
        const ok = chunked
          ? socket.write(`${n.toString(16)}\r\n`) && socket.write(data) && socket.write("\r\n")
          : socket.write(data);
        sent += n;
        if (!ok) await new Promise((r) => socket.once("drain", r));
        await new Promise((r) => setTimeout(r, 8));
      }
      if (chunked && !done) socket.write("0\r\n\r\n");
    });
    setTimeout(() => finish(new Error("no answer within 20 s")), 20_000).unref();
  });
}

const MB = 1024 * 1024;

describe("request bodies are capped before they are read (MAX_BODY_BYTES, default 1 MB)", () => {
  let server: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("a 3 MB body with Content-Length is answered 413 before the client has sent it", async () => {
    const res = await postSlowly(server.port, "/feishu/events", 3 * MB, false);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ error: "payload_too_large", maxBytes: MB });
    // Refused on the declared length, before reading: far less than the body was on the wire.
    expect(res.sentWhenAnswered).toBeLessThan(2 * MB);
  });

  it("a chunked 3 MB body (no Content-Length) is counted while read and refused just past 1 MB", async () => {
    const res = await postSlowly(server.port, "/feishu/events", 3 * MB, true);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: "payload_too_large" });
    expect(res.sentWhenAnswered).toBeGreaterThan(MB);
    expect(res.sentWhenAnswered).toBeLessThan(3 * MB);
  });

  it("bodies under the cap still reach the route (chunked too), whatever the path", async () => {
    // Under the cap the webhook reads the body and refuses it for its own reasons (not JSON, unsigned).
    const plain = await postSlowly(server.port, "/feishu/events", 200 * 1024, false);
    expect([400, 401]).toContain(plain.status);
    expect(plain.sentWhenAnswered).toBe(200 * 1024);
    const chunked = await postSlowly(server.port, "/feishu/events", 200 * 1024, true);
    expect([400, 401]).toContain(chunked.status);
    // Routes that do not exist are capped as well, before the 404.
    expect((await postSlowly(server.port, "/anything", 3 * MB, false)).status).toBe(413);
    expect(sinkCalls).toEqual([]);
  });
});

describe("MAX_BODY_BYTES", () => {
  it("sets the cap", async () => {
    const server = await start({ MAX_BODY_BYTES: "4096" });
    try {
      const big = await fetch(`http://127.0.0.1:${server.port}/feishu/events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ pad: "x".repeat(5000) }),
      });
      expect(big.status).toBe(413);
      expect(await big.json()).toEqual({ error: "payload_too_large", maxBytes: 4096 });
      const small = await fetch(`http://127.0.0.1:${server.port}/feishu/events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ pad: "x".repeat(3000) }),
      });
      expect([400, 401]).toContain(small.status);
    } finally {
      await server.close();
    }
  });

  it("is read from the environment, and errors name the variable", () => {
    expect(loadConfig({}).maxBodyBytes).toBe(MB);
    expect(loadConfig({ MAX_BODY_BYTES: "2097152" }).maxBodyBytes).toBe(2 * MB);
    for (const bad of ["1mb", "100", "1.5", "999999999999"]) {
      let problems: string[] = [];
      try {
        loadConfig({ MAX_BODY_BYTES: bad });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        problems = (error as ConfigError).problems;
      }
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^MAX_BODY_BYTES: /);
    }
  });
});
