// Minimal flag parsing shared by the tunnel commands: --flag value, --flag=value, --bool, --no-bool, positionals.

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean>;
  /** Flags the command does not know, as typed (`--bogus`): the command answers with its usage and exit 2. */
  unknown: string[];
}

export interface ArgSpec {
  /** Flags that take no value (`--json`); `--no-<name>` sets them false. */
  booleans?: readonly string[];
  /** Flags that take a value (`--name N` or `--name=N`). */
  values?: readonly string[];
}

export function parseArgs(args: string[], spec: ArgSpec = {}): ParsedArgs {
  const booleans = spec.booleans ?? [];
  const known = new Set([...booleans, ...(spec.values ?? [])]);
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  const unknown: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith("--")) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const key = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    const negated = key.startsWith("no-") && booleans.includes(key.slice(3));
    if (!known.has(key) && !negated) {
      unknown.push(eq >= 0 ? a.slice(0, eq) : a);
      continue;
    }
    if (eq >= 0) flags[key] = a.slice(eq + 1);
    else if (negated) flags[key.slice(3)] = false;
    else if (booleans.includes(key) || i + 1 >= args.length || args[i + 1].startsWith("--")) flags[key] = true;
    else flags[key] = args[++i];
  }
  return { positionals, flags, unknown };
}

/** The standard answer to a flag a command does not know: name it, show the usage, exit 2. */
export function rejectUnknown(unknown: string[], usage: string, stderr: (line: string) => void): number | undefined {
  if (unknown.length === 0) return undefined;
  stderr(`Unknown option ${unknown.join(", ")}. ${usage}`);
  return 2;
}

/** Human-readable byte count: 1.2 MB. */
export { formatBytes } from "../../lib/format";

/** "5s", "3m", "2h 5m", "4d": how long ago `iso` was. */
export function formatAge(iso: string | undefined, now: number): string {
  if (!iso) return "-";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d`;
}

/** Left-aligned columns separated by two spaces. */
export function formatTable(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd(),
  );
}
