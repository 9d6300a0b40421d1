// A real HTTP receiver for webhook tests (node:http on a free loopback port): records every request
// (headers and the exact body) and answers from a queue of programmed answers, 200 when it is empty.
// It verifies nothing itself: tests check the signatures as the platform's receiver would.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
  at: number;
}

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface WebhookReceiver {
  url: string;
  received: Received[];
  /** The next requests get these answers, in order. */
  answerNext(...answers: Answer[]): void;
  /** Resolves once `n` requests have arrived (in all). */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = "/hooks/floodgate"): Promise<WebhookReceiver> {
  const received: Received[] = [];
  const queue: Answer[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      let json: Received["json"];
      try {
        json = JSON.parse(body);
      } catch {
        json = { id: "", type: "unparsable", occurredAt: "", data: {} };
      }
      received.push({ headers: req.headers, body, json, at: Date.now() });
      const a = queue.shift() ?? { status: 200, body: "ok" };
      res.writeHead(a.status, { "content-type": "text/plain", ...a.headers });
      res.end(a.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    answerNext: (...answers) => queue.push(...answers),
    async waitFor(n, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`the receiver got ${received.length} requests, not ${n}, within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return received;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
