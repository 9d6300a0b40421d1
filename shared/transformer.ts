// The tRPC transformer of the server and the console: superjson (Dates survive the trip), with the
// input side read defensively. superjson walks its `meta` recursively, so a crafted, deeply nested
// meta overflowed the stack ("Maximum call stack size exceeded" reached the client); and a Date it
// revives from "2026-02-30T…" silently becomes 2 March. Here the meta's depth and size are bounded
// before superjson sees it, and every Date it would revive must be a real calendar date.
import superjson from "superjson";
import { ZodRealError, type ZodError } from "zod";
import { AppError } from "./errors.ts";
import { calendarDateProblem } from "./schema-blocks.ts";

const META_DEPTH_MAX = 32;
const META_NODES_MAX = 10_000;

type Path = (string | number)[];

function malformed(): AppError {
  return new AppError("MALFORMED_REQUEST");
}

/** Bounded, iterative: the meta's nesting depth and node count. */
function checkShape(meta: unknown): void {
  const stack: [unknown, number][] = [[meta, 0]];
  let nodes = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (++nodes > META_NODES_MAX || depth > META_DEPTH_MAX) throw malformed();
    if (v !== null && typeof v === "object") for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
}

/** superjson path keys: "a.b.0", dots inside a key escaped as "\.". */
function parsePathKey(key: string): string[] {
  const out: string[] = [];
  let part = "";
  for (let i = 0; i < key.length; i++) {
    const c = key[i];
    if (c === "\\" && key[i + 1] === ".") {
      part += ".";
      i++;
    } else if (c === ".") {
      out.push(part);
      part = "";
    } else part += c;
  }
  out.push(part);
  return out;
}

/** Each [path, type] the value annotations name (tree form: [type, children] or {pathKey: node}). */
function annotations(values: unknown): [Path, string][] {
  const out: [Path, string][] = [];
  const stack: [unknown, Path][] = [[values, []]];
  while (stack.length > 0) {
    const [node, base] = stack.pop()!;
    if (Array.isArray(node)) {
      const [type, children] = node as [unknown, unknown];
      if (typeof type === "string") out.push([base, type]);
      else if (Array.isArray(type) && typeof type[0] === "string") out.push([base, type[0]]);
      if (children !== undefined) stack.push([children, base]);
    } else if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) stack.push([child, [...base, ...parsePathKey(key)]]);
    }
  }
  return out;
}

function at(json: unknown, path: Path): unknown {
  let v = json;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[String(k)];
  }
  return v;
}

const DATE_HEAD = /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})T/;

/** A Date string whose calendar day does not exist (2026-02-30): words, else null. */
function impossibleDate(value: string): string | null {
  const m = DATE_HEAD.exec(value);
  // Not a date at all: superjson makes an Invalid Date, which the schema's date block refuses.
  return m ? calendarDateProblem(m[1], m[2], m[3]) : null;
}

function strictDeserialize(payload: unknown): unknown {
  if (payload === null || typeof payload !== "object" || !("json" in payload)) return superjson.deserialize(payload as never);
  const { json, meta } = payload as { json: unknown; meta?: { values?: unknown } };
  if (meta !== undefined) {
    checkShape(meta);
    const issues: ZodError["issues"] = [];
    for (const [path, type] of meta?.values === undefined ? [] : annotations(meta.values)) {
      const raw = at(json, path);
      const problem = type === "Date" && typeof raw === "string" ? impossibleDate(raw) : null;
      if (problem) issues.push({ code: "custom", path: path.map((k) => (/^\d+$/.test(k as string) ? Number(k) : k)), message: problem, input: raw });
    }
    if (issues.length > 0) throw new ZodRealError(issues);
  }
  try {
    return superjson.deserialize(payload as never);
  } catch {
    throw malformed();
  }
}

/** For initTRPC().create({ transformer }) and the console's httpBatchLink. */
export const transformer = {
  input: { serialize: (v: unknown) => superjson.serialize(v), deserialize: strictDeserialize },
  output: { serialize: (v: unknown) => superjson.serialize(v), deserialize: (v: unknown) => superjson.deserialize(v as never) },
};
