/**
 * Request bodies are capped before they are read: a declared Content-Length over the cap is refused at
 * once, and a chunked body is counted while it streams in and refused as soon as it passes the cap
 * (Hono's own body-limit middleware does both). Nothing over the cap is ever buffered.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "../lib/logger.ts";

export const PAYLOAD_TOO_LARGE = "payload_too_large";

export function limitBodies(maxBytes: number, logger?: Logger): MiddlewareHandler {
  const tooLarge: Parameters<typeof bodyLimit>[0]["onError"] = (c) => {
    logger?.warn("请求体过大，已拒绝", {
      path: c.req.path,
      contentLength: c.req.header("content-length"),
      maxBytes,
    });
    return c.json({ error: PAYLOAD_TOO_LARGE, maxBytes }, 413);
  };
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    // Hono's middleware asks for `c.req.raw.body` first, which makes @hono/node-server build a web
    // Request with a ReadableStream over the socket for every request, and the route's `c.req.text()`
    // then reads through that stream (a tenth of the server's CPU per sign-in click, and more in GC). With a
    // declared length (every webhook sends one) the header alone decides, and Node's parser never
    // delivers more than it declares, so the route keeps node-server's direct read.
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      return Number.parseInt(length, 10) > maxBytes ? tooLarge(c) : next();
    }
    // Chunked (or no length at all): counted while it streams in.
    return streamed(c, next);
  };
}
