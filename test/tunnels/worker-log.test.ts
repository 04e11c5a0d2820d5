// The worker's log under a flood (issue 9 item 12): repeated lines are rate-limited, and the log file is rotated by
// size while the worker runs, its stdout staying on the same file.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunningLogRotation } from "../../src/lib/tunnels/log-file";
import { LogLimiter } from "../../src/lib/tunnels/worker/log-limiter";

describe("LogLimiter", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("writes the first few of a kind, then a count per minute; other lines pass", () => {
    const out: string[] = [];
    const limiter = new LogLimiter((l) => out.push(l), { burst: 3, windowMs: 60_000 });
    for (let i = 0; i < 50_000; i++) limiter.log(`session s-1: dropped a malformed message #${i}: digest mismatch`);
    limiter.log("connected: session s-1");
    expect(out).toEqual([
      "session s-1: dropped a malformed message #0: digest mismatch",
      "session s-1: dropped a malformed message #1: digest mismatch",
      "session s-1: dropped a malformed message #2: digest mismatch",
      "connected: session s-1",
    ]);
    jest.advanceTimersByTime(60_000);
    expect(out.at(-1)).toBe("(49997 more like: session s-1: dropped a malformed message #49999: digest mismatch)");
    // A new minute: the kind may be written a few times again, and a quiet minute writes nothing.
    limiter.log("session s-1: dropped a malformed message #1: digest mismatch");
    expect(out).toHaveLength(6);
    jest.advanceTimersByTime(120_000);
    expect(out).toHaveLength(6);
    limiter.close();
  });

  it("bounds the number of kinds it tracks, and close() writes what it held back", () => {
    const out: string[] = [];
    const limiter = new LogLimiter((l) => out.push(l), { burst: 1, maxKinds: 10 });
    for (let i = 0; i < 1000; i++) limiter.log(`line ${"x".repeat(i % 50)} kind ${String.fromCharCode(97 + (i % 26))}`);
    expect(out).toHaveLength(10);
    limiter.close();
    expect(out.filter((l) => l.startsWith("("))).toHaveLength(11); // ten kinds, and the rest together
    expect(out.at(-1)).toMatch(/^\(\d+ other lines, the last: line/);
  });
});

describe("RunningLogRotation", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "stormtunnel-log-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("copies a log past its limit to .1 and truncates it; the same descriptor writes on at the start", () => {
    const file = join(dir, "t.log");
    const fd = openSync(file, "a", 0o600); // as the launcher opens the worker's stdout
    try {
      const rotation = new RunningLogRotation(file, fd, 10_000, 1000);
      const line = "x".repeat(99) + "\n";
      for (let i = 0; i < 150; i++) {
        writeSync(fd, line);
        rotation.wrote(line.length);
      }
      const kept = statSync(`${file}.1`).size;
      expect(kept).toBeGreaterThan(10_000);
      expect(statSync(file).size).toBeLessThan(10_000);
      writeSync(fd, "after the rotation\n");
      expect(readFileSync(file, "utf8").endsWith("after the rotation\n")).toBe(true);
      expect(readFileSync(file, "utf8").startsWith("x")).toBe(true); // no hole of zeros before the new lines
      expect(statSync(file).size + kept).toBe(150 * line.length + 19);
    } finally {
      closeSync(fd);
    }
  });

  it("leaves alone a descriptor that is not the log file (a worker run in a terminal)", () => {
    const file = join(dir, "t.log");
    const other = join(dir, "elsewhere.log");
    const fd = openSync(other, "a");
    try {
      writeSync(fd, "y".repeat(5000));
      const rotation = new RunningLogRotation(file, fd, 1000, 1);
      rotation.wrote(5000);
      expect(statSync(other).size).toBe(5000);
      expect(() => statSync(`${file}.1`)).toThrow();
    } finally {
      closeSync(fd);
    }
  });
});
