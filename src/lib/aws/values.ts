// Small readers for raw section values, shared by the profile and session resolvers.
import type { RawSection } from "./scan";

export type Values = Map<string, string>;

export function valuesOf(section: RawSection): Values {
  const out: Values = new Map();
  for (const [key, v] of section.values) out.set(key, v.value);
  return out;
}

/** `sso_registration_scopes`: comma-separated, whitespace trimmed, empty items dropped; null when absent. */
export function parseScopes(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/**
 * botocore's _parse_nested for indented sub-blocks (`sso_oidc =` + `  endpoint_url = …`): `=` only,
 * keys keep their case. Returns the line that has no `=` when the block is malformed.
 */
export function parseNested(value: string): { values: Values } | { badLine: string } {
  const values: Values = new Map();
  for (const raw of value.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf("=");
    if (eq < 0) return { badLine: line };
    values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return { values };
}

/** Python's repr of a list of strings, as botocore puts it into messages: ['a', 'b']. */
export function pyList(items: string[]): string {
  return `[${items.map((s) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`).join(", ")}]`;
}

export function isHttps(url: string): boolean {
  return /^https:/i.test(url);
}
