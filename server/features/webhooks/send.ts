// One HTTP POST of a webhook body, with the care an address typed by an administrator needs:
// only http(s); never a redirect (a 3xx is a failed attempt); a time limit on the whole exchange;
// never an address in the link-local (169.254.0.0/16, fe80::/10: cloud metadata services),
// unspecified or multicast ranges, checked on the address actually connected to (the lookup is
// ours, so a name that resolves elsewhere on the second lookup cannot slip through). Private and
// loopback addresses are allowed: the platform's receiver may well sit on the operator's network.
// Only the first RESPONSE_EXCERPT_MAX characters of the answer are read and kept.
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";

export const RESPONSE_EXCERPT_MAX = 500;
export const DEFAULT_SEND_TIMEOUT_MS = 10_000;

export interface SendResult {
  statusCode: number | null;
  /** null when the answer was a 2xx. */
  error: string | null;
  responseExcerpt: string;
  durationMs: number;
}

export function forbiddenAddress(ip: string): boolean {
  const v4 = ip.startsWith("::ffff:") && net.isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (net.isIPv4(v4)) {
    const [a, b] = v4.split(".").map(Number);
    return a === 0 || (a === 169 && b === 254) || a >= 224;
  }
  const l = ip.toLowerCase();
  return l === "::" || /^fe[89ab]/.test(l) || l.startsWith("ff");
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

function guardedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options }, (err, address: string | dns.LookupAddress[], family?: number) => {
    if (err) return callback(err, address, family);
    const all = Array.isArray(address) ? address.map((a) => a.address) : [address];
    const bad = all.find(forbiddenAddress);
    if (bad) return callback(Object.assign(new Error(`refused: ${hostname} resolves to ${bad}, a link-local, unspecified or multicast address`), { code: "EFORBIDDENADDR" }), address, family);
    callback(null, address, family);
  });
}

export function postWebhook(url: string, body: string, headers: Record<string, string>, timeoutMs = DEFAULT_SEND_TIMEOUT_MS): Promise<SendResult> {
  const started = Date.now();
  const done = (r: Omit<SendResult, "durationMs">): SendResult => ({ ...r, durationMs: Date.now() - started });
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(done({ statusCode: null, error: "not a valid address", responseExcerpt: "" }));
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") return Promise.resolve(done({ statusCode: null, error: "only http and https addresses are called", responseExcerpt: "" }));
  const host = target.hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host) && forbiddenAddress(host)) return Promise.resolve(done({ statusCode: null, error: `refused: ${host} is a link-local, unspecified or multicast address`, responseExcerpt: "" }));

  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Omit<SendResult, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(done(r));
    };
    const lib = target.protocol === "https:" ? https : http;
    const req = lib.request(
      target,
      {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
        lookup: guardedLookup as unknown as net.LookupFunction,
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let excerpt = "";
        res.setEncoding("utf8");
        const end = () => {
          const ok = status >= 200 && status < 300;
          const error = ok ? null : status >= 300 && status < 400 ? `redirect to ${res.headers.location ?? "(no location)"} not followed` : `HTTP ${status}`;
          finish({ statusCode: status, error, responseExcerpt: excerpt.slice(0, RESPONSE_EXCERPT_MAX) });
          res.destroy();
        };
        res.on("data", (chunk: string) => {
          excerpt += chunk;
          if (excerpt.length >= RESPONSE_EXCERPT_MAX) end();
        });
        res.on("end", end);
        res.on("error", end);
      },
    );
    const timer = setTimeout(() => {
      finish({ statusCode: null, error: `no answer within ${timeoutMs} ms`, responseExcerpt: "" });
      req.destroy();
    }, timeoutMs);
    req.on("error", (err) => finish({ statusCode: null, error: (err.message || String(err)).slice(0, 300), responseExcerpt: "" }));
    req.end(body);
  });
}
