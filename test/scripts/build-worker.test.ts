import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScript } from "./run-script";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "stormtunnel-build-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("build-worker", () => {
  it("bundles the CLI into one executable CommonJS file with a single #! line and no sourcemap to ship", () => {
    const outfile = join(dir, "stormtunnel.js");
    const run = runScript("build-worker.mjs", ["--outfile", outfile]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const code = readFileSync(outfile, "utf8");
    expect(code.startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(code.split("\n").filter((l) => l.startsWith("#!"))).toHaveLength(1);
    expect(code).not.toMatch(/sourceMappingURL/);
    expect(existsSync(`${outfile}.map`)).toBe(false);
    expect(statSync(outfile).mode & 0o111).not.toBe(0);
    // It runs as plain Node, outside Raycast.
    expect(execFileSync(process.execPath, [outfile, "--version"], { encoding: "utf8" }).trim()).toMatch(
      /^\d+\.\d+\.\d+$/,
    );
  });

  it("fails with a clear message when the CLI entry is missing", () => {
    const run = runScript("build-worker.mjs", ["--root", dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("src/cli/main.ts does not exist");
  });
});
