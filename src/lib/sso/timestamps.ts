// Timestamps in the shared cache: read every variant other tools write (§4.3), write only the one all tools accept.

import { isoTime } from "../iso-time";

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses Z, .mmmZ, +00:00 (any offset), the CLI 2.0 "UTC" suffix and naive values (taken as UTC, as the CLI means them).
 * Returns undefined for anything else.
 */
export function parseCacheTimestamp(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const m = TIMESTAMP.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  let epoch = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone && /^[+-]/.test(zone)) {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0");
    epoch -= sign * offsetMin * 60_000;
  }
  const date = new Date(epoch);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The CLI's own format, `2026-01-02T03:04:05Z`: parsed by botocore, the JS SDK and every peer tool. */
export function formatCacheTimestamp(date: Date | number): string {
  return isoTime(date).replace(/\.\d{3}Z$/, "Z");
}

/** Rewrites a timestamp into the safe form; leaves values it cannot parse alone (they are not ours to destroy). */
export function normalizeCacheTimestamp(value: unknown): unknown {
  const date = parseCacheTimestamp(value);
  return date ? formatCacheTimestamp(date) : value;
}
