import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScript } from "./run-script";

const ROOT = join(__dirname, "..", "..");

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

  it("keeps the AWS SDK out of the main bundle, in stormtunnel-sdk.js beside it, loaded on first use", () => {
    const outfile = join(dir, "stormtunnel.js");
    expect(runScript("build-worker.mjs", ["--outfile", outfile]).status).toBe(0);
    const main = readFileSync(outfile, "utf8");
    const sdk = readFileSync(join(dir, "stormtunnel-sdk.js"), "utf8");
    // The SSM client's service id and the SSO OIDC client's: in the SDK file only.
    for (const marker of ["AmazonSSM", "AWSSSOOIDCService"]) {
      expect(main).not.toContain(marker);
      expect(sdk).toContain(marker);
    }
    expect(statSync(outfile).size).toBeLessThan(400 * 1024);
    // Nothing in a plain CLI run touches the SDK, so the SDK file need not even be there for it.
    rmSync(join(dir, "stormtunnel-sdk.js"));
    expect(
      execFileSync(process.execPath, [outfile, "tunnel", "list"], { encoding: "utf8", env: { HOME: dir } }),
    ).toMatch(/No tunnels saved/);
  });

  it("is deterministic: the same bytes from another checkout directory, with no path of the checkout inside", () => {
    const here = join(dir, "here.js");
    expect(runScript("build-worker.mjs", ["--outfile", here]).status).toBe(0);
    // A second checkout elsewhere: same sources, another directory (node_modules shared, as npm ci would fill it).
    const other = join(dir, "elsewhere", "checkout");
    for (const p of ["src", "package.json", "tsconfig.json"])
      cpSync(join(ROOT, p), join(other, p), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(other, "node_modules"));
    const there = join(dir, "there", "stormtunnel.js");
    const run = runScript("build-worker.mjs", ["--root", other, "--outfile", there]);
    expect(run.stderr).toBe("");
    expect(readFileSync(there).equals(readFileSync(here))).toBe(true);
    const sdk = (file: string) => readFileSync(join(file, "..", "stormtunnel-sdk.js"));
    expect(sdk(there).equals(sdk(here))).toBe(true);
    const code = readFileSync(here, "utf8");
    expect(code).not.toContain(ROOT);
    expect(code).not.toContain("node_modules/");
    expect(code).not.toContain(tmpdir());
  });

  it("--check accepts a fresh bundle and names the one command that fixes a stale or missing one", () => {
    const outfile = join(dir, "stormtunnel.js");
    expect(runScript("build-worker.mjs", ["--outfile", outfile]).status).toBe(0);
    const fresh = runScript("build-worker.mjs", ["--check", "--outfile", outfile]);
    expect({ status: fresh.status, stderr: fresh.stderr }).toEqual({ status: 0, stderr: "" });

    appendFileSync(outfile, "\n");
    const stale = runScript("build-worker.mjs", ["--check", "--outfile", outfile]);
    expect(stale.status).toBe(1);
    expect(stale.stderr.trim().split("\n")).toHaveLength(1);
    expect(stale.stderr).toMatch(/stormtunnel\.js is stale .* Run `npm run build:worker` and commit it\./);
    expect(readFileSync(outfile, "utf8").endsWith("\n\n")).toBe(true); // --check never writes

    rmSync(outfile);
    const missing = runScript("build-worker.mjs", ["--check", "--outfile", outfile]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("stormtunnel.js is missing. Run `npm run build:worker` and commit it.");
    expect(existsSync(outfile)).toBe(false);
  });

  it("--check also finds a stale SDK file", () => {
    const outfile = join(dir, "stormtunnel.js");
    expect(runScript("build-worker.mjs", ["--outfile", outfile]).status).toBe(0);
    appendFileSync(join(dir, "stormtunnel-sdk.js"), "\n");
    const stale = runScript("build-worker.mjs", ["--check", "--outfile", outfile]);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(/stormtunnel-sdk\.js is stale .* Run `npm run build:worker` and commit it\./);
  });

  it("fails with a clear message when the CLI entry is missing", () => {
    const run = runScript("build-worker.mjs", ["--root", dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("src/cli/main.ts does not exist");
  });
});
