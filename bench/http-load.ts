/**
 * A lean HTTP/1.1 load generator for the benches: every request is serialised before the clock starts
 * and sent exactly once, `concurrency` at a time over keep-alive connections, each answer timed from
 * its first byte sent to its last byte read. On two cores the load generator competes with the server
 * and Postgres for CPU; autocannon spent as much CPU as Postgres did, this spends about a third of it.
 */
import { connect, type Socket } from "node:net";

export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  sent: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  /** Answers that failed the check (or connections that broke). */
  failed: number;
}

const HEADER_END = Buffer.from("\r\n\r\n");

function serialise(host: string, r: LoadRequest): Buffer {
  const body = Buffer.from(r.body, "utf8");
  const head = [
    `POST ${r.path} HTTP/1.1`,
    `Host: ${host}`,
    ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`),
    `Content-Length: ${body.length}`,
    "",
    "",
  ].join("\r\n");
  return Buffer.concat([Buffer.from(head, "latin1"), body]);
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Reads answers off one connection: status and body of each, in order. */
function createAnswerReader(onAnswer: (status: number, body: string) => void) {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      const end = pending.indexOf(HEADER_END);
      if (end < 0) return;
      const head = pending.toString("latin1", 0, end);
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      const total = end + 4 + length;
      if (pending.length < total) return;
      const status = Number(head.slice(9, 12));
      const body = pending.toString("utf8", end + 4, total);
      pending = pending.subarray(total);
      onAnswer(status, body);
    }
  };
}

/** `accept` decides whether an answer counts as a success. */
export async function sendAll(
  port: number,
  requests: LoadRequest[],
  concurrency: number,
  accept: (status: number, body: string) => boolean,
): Promise<LoadResult> {
  const wire = requests.map((r) => serialise(`127.0.0.1:${port}`, r));
  const latencies = new Float64Array(wire.length);
  let next = 0;
  let answered = 0;
  let failed = 0;
  const sockets: Socket[] = await Promise.all(
    Array.from(
      { length: Math.min(concurrency, wire.length) },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect(port, "127.0.0.1", () => resolve(s));
          s.setNoDelay(true);
          s.once("error", reject);
        }),
    ),
  );
  const started = performance.now();
  let finished = started;
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          let sentAt = 0;
          const sendNext = () => {
            const request = wire[next++];
            if (!request) {
              socket.end();
              resolve();
              return;
            }
            sentAt = performance.now();
            socket.write(request);
          };
          socket.on(
            "data",
            createAnswerReader((status, body) => {
              const now = performance.now();
              latencies[answered] = now - sentAt;
              finished = now;
              answered++;
              if (!accept(status, body)) failed++;
              sendNext();
            }),
          );
          socket.on("error", () => {
            failed++;
            resolve();
          });
          sendNext();
        }),
    ),
  );
  const seconds = (finished - started) / 1000;
  const sorted = latencies.subarray(0, answered).sort();
  return {
    sent: answered,
    seconds,
    rate: answered / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    failed: failed + (wire.length - answered),
  };
}
