import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { isoTime } from "../src/lib/iso-time";

describe("isoTime", () => {
  it("matches Date#toISOString across eras, month ends, leap days and milliseconds", () => {
    const samples = [
      0,
      -1,
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(2026, 11, 4, 13, 42, 25, 7),
      Date.UTC(1999, 11, 31, 23, 59, 59, 999),
      Date.UTC(2000, 0, 1),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(100, 0, 1) - 1,
    ];
    let x = 123456789;
    for (let i = 0; i < 2000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31; // deterministic spread over 1970–2100
      samples.push(Math.floor((x / 2 ** 31) * 4.1e12));
    }
    for (const ms of samples) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    expect(isoTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 60)))).toBe("2026-01-02T03:04:05.060Z");
  });

  it("defaults to now and rejects an invalid date as toISOString does", () => {
    const before = Date.now();
    const at = Date.parse(isoTime());
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(isoTime(Date.UTC(10000, 0, 1))).toBe("+010000-01-01T00:00:00.000Z");
  });

  it("is the only way the worker and CLI format a Date as text (toISOString loads ICU's time-zone data)", () => {
    const root = join(__dirname, "..", "src");
    const worker = ["lib", "cli"]; // what the worker bundle is built from (Raycast views may show local times)
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.tsx?$/.test(name) && !path.endsWith("iso-time.ts")) {
          readFileSync(path, "utf8")
            .split("\n")
            .forEach((line, i) => {
              if (/\.toISOString\(|\.toJSON\(|\.toLocale\w*String\(|\.toUTCString\(/.test(line))
                offenders.push(`${relative(root, path)}:${i + 1}`);
            });
        }
      }
    };
    for (const dir of worker) walk(join(root, dir));
    expect(offenders).toEqual([]);
  });
});
