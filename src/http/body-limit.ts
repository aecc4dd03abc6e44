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
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      logger?.warn("请求体过大，已拒绝", {
        path: c.req.path,
        contentLength: c.req.header("content-length"),
        maxBytes,
      });
      return c.json({ error: PAYLOAD_TOO_LARGE, maxBytes }, 413);
    },
  });
}
