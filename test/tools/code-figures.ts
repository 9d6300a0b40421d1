// Size figures of the production code (issue #14's note): lines, files over 300 lines, functions over
// 100 lines. Production code is client/, server/ and shared/ without tests (*.test.ts(x)) and without
// what is generated (server/generated/). Functions are read with the TypeScript compiler API: every
// function declaration, method, accessor, constructor, function expression and arrow function, each
// measured from its first to its last line (a nested function counts on its own and inside its parent).
//
//   npx tsx test/tools/code-figures.ts [DIR]     # DIR: a checkout (default: this one)
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const ROOTS = ["client", "server", "shared"];
const FILE_LINES_MAX = 300;
const FUNCTION_LINES_MAX = 100;

function productionFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      const rel = path.relative(root, full);
      if (rel === path.join("server", "generated") || name === "node_modules") continue;
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith(".d.ts")) out.push(full);
    }
  };
  for (const r of ROOTS) walk(path.join(root, r));
  return out.sort();
}

interface Figures {
  files: number;
  lines: number;
  nonBlankLines: number;
  bigFiles: Array<{ file: string; lines: number }>;
  bigFunctions: Array<{ file: string; name: string; lines: number }>;
}

function functionName(node: ts.Node, sf: ts.SourceFile): string {
  const named = node as ts.FunctionLikeDeclaration;
  if (named.name) return named.name.getText(sf);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText(sf);
  if (ts.isCallExpression(parent)) return `(argument of ${parent.expression.getText(sf).slice(0, 40)})`;
  return "(anonymous)";
}

export function codeFigures(root: string): Figures {
  const files = productionFiles(root);
  const figures: Figures = { files: files.length, lines: 0, nonBlankLines: 0, bigFiles: [], bigFunctions: [] };
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const rel = path.relative(root, file);
    const lines = text.split("\n");
    const count = text.endsWith("\n") ? lines.length - 1 : lines.length;
    figures.lines += count;
    figures.nonBlankLines += lines.filter((l) => l.trim() !== "").length;
    if (count > FILE_LINES_MAX) figures.bigFiles.push({ file: rel, lines: count });
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && "body" in node && node.body) {
        const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
        const span = last - first + 1;
        if (span > FUNCTION_LINES_MAX) figures.bigFunctions.push({ file: rel, name: functionName(node, sf), lines: span });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  figures.bigFiles.sort((a, b) => b.lines - a.lines);
  figures.bigFunctions.sort((a, b) => b.lines - a.lines);
  return figures;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const root = path.resolve(process.argv[2] ?? ".");
  const f = codeFigures(root);
  console.log(`production files: ${f.files}, lines: ${f.lines} (non-blank ${f.nonBlankLines})`);
  console.log(`files over ${FILE_LINES_MAX} lines: ${f.bigFiles.length}`);
  for (const b of f.bigFiles) console.log(`  ${b.lines}  ${b.file}`);
  console.log(`functions over ${FUNCTION_LINES_MAX} lines: ${f.bigFunctions.length}`);
  for (const b of f.bigFunctions) console.log(`  ${b.lines}  ${b.file}  ${b.name}`);
}
