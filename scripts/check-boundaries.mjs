// Import rules from architecture.md: the engine (src/lib) and the worker/CLI (src/cli) run outside Raycast, so they
// never import Raycast's packages, and imports point one way (entry → commands → lib; cli → lib).
// Usage: node scripts/check-boundaries.mjs [--root DIR]. Exit 1 and one line per violation when a rule is broken.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const rootFlag = args.indexOf("--root");
const root = resolve(rootFlag >= 0 ? args[rootFlag + 1] : join(dirname(fileURLToPath(import.meta.url)), ".."));

const SOURCE = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;
const RAYCAST = /^@raycast\/(api|utils)(\/|$)/;

/** Which top-level part of src/ a path belongs to: "lib", "cli", "commands", "entry" or undefined (outside src). */
function area(path) {
  const rel = relative(join(root, "src"), path);
  if (rel.startsWith("..") || rel === "") return undefined;
  const [first, ...rest] = rel.split(sep);
  return rest.length === 0 ? "entry" : first;
}

const RULES = {
  lib: { raycast: true, forbidden: ["commands", "cli", "entry"] },
  cli: { raycast: true, forbidden: ["commands", "entry"] },
};

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : walk(path);
    return SOURCE.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Blanks comments (keeping line breaks) so a commented-out import is not reported. */
function stripComments(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " "))
    .replace(/(^|[^:"'`\\])\/\/.*$/gm, (_m, before) => before);
}

const IMPORT_PATTERNS = [
  /\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?["']([^"']+)["']/g,
  /\bexport\s+(?:type\s+)?[\w*{}\s,$]*\s+from\s+["']([^"']+)["']/g,
  /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
];

function importsOf(text) {
  const code = stripComments(text);
  const found = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of code.matchAll(pattern)) {
      const line = code.slice(0, match.index).split("\n").length;
      found.push({ specifier: match[1], line });
    }
  }
  return found;
}

const violations = [];
for (const [from, rule] of Object.entries(RULES)) {
  for (const file of walk(join(root, "src", from))) {
    for (const { specifier, line } of importsOf(readFileSync(file, "utf8"))) {
      const where = `${relative(root, file)}:${line}`;
      if (rule.raycast && RAYCAST.test(specifier)) {
        violations.push(`${where} imports ${specifier}: src/${from} runs outside Raycast and must not use its API`);
        continue;
      }
      if (!specifier.startsWith(".")) continue;
      const target = area(resolve(dirname(file), specifier));
      if (target && rule.forbidden.includes(target)) {
        const what = target === "entry" ? "a Raycast entry point" : `src/${target}`;
        violations.push(`${where} imports ${specifier} (${what}): src/${from} must not depend on it`);
      }
    }
  }
}

if (violations.length > 0) {
  console.error(`check-boundaries: ${violations.length} import rule violation(s):`);
  for (const v of violations) console.error(`  ${v}`);
  process.exit(1);
}
console.log("check-boundaries: OK (src/lib and src/cli import neither Raycast nor the command layer)");
