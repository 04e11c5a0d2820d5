// UTC timestamps without Date#toISOString. Its first call builds V8's date cache, which loads ICU's time-zone data
// into the process: about 0.9 MB of resident memory, for the life of a tunnel worker, to print a UTC string. The
// getUTC* getters do not touch it.

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** What `new Date(at).toISOString()` returns (years 0–9999), without loading time-zone data. */
export function isoTime(at: Date | number = Date.now()): string {
  const d = typeof at === "number" ? new Date(at) : at;
  const year = d.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) return d.toISOString(); // throws for an invalid date, like it
  return (
    `${pad(year, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}Z`
  );
}
