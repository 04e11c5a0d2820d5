// .gitattributes + scripts/setup-clone.mjs: rebasing a branch whose bundle differs from main's keeps main's bundle
// instead of stopping on a conflict in minified code (the freshness check then asks for a rebuild).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScript } from "./run-script";

const ROOT = join(__dirname, "..", "..");
let dir: string;
let repo: string;

// A private HOME and no system config: the test never reads or writes the user's git configuration.
const gitEnv = () => ({
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: dir,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.com",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.com",
});
function git(...args: string[]) {
  const r = spawnSync("git", ["-C", repo, ...args], { env: gitEnv(), encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
function commit(files: Record<string, string>, message: string) {
  for (const [path, text] of Object.entries(files)) writeFileSync(join(repo, path), text);
  expect(git("add", "-A").status).toBe(0);
  expect(git("commit", "-q", "-m", message).status).toBe(0);
}
const bundle = () => readFileSync(join(repo, "assets", "stormtunnel.js"), "utf8");

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "stormtunnel-clone-"));
  repo = join(dir, "repo");
  mkdirSync(join(repo, "assets"), { recursive: true });
  expect(git("init", "-q", "-b", "main").status).toBe(0);
  copyFileSync(join(ROOT, ".gitattributes"), join(repo, ".gitattributes"));
  commit({ "assets/stormtunnel.js": "bundle(1)\n", "a.ts": "a1\n", "b.ts": "b1\n" }, "start");
  // A feature branch rebuilt the bundle for its source change; main moved on with another change and bundle.
  expect(git("checkout", "-q", "-b", "feature").status).toBe(0);
  commit({ "assets/stormtunnel.js": "bundle(feature)\n", "a.ts": "a2\n" }, "feature");
  expect(git("checkout", "-q", "main").status).toBe(0);
  commit({ "assets/stormtunnel.js": "bundle(main)\n", "b.ts": "b2\n" }, "main moves");
  expect(git("checkout", "-q", "feature").status).toBe(0);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("without the merge driver a rebase stops on the bundle: the reason setup-clone exists", () => {
  const r = git("rebase", "main");
  expect(r.status).not.toBe(0);
  expect(r.out).toMatch(/CONFLICT .*assets\/stormtunnel\.js/);
  git("rebase", "--abort");
});

test("after setup-clone the rebase goes through, keeps main's bundle and the branch's sources", () => {
  const first = runScript("setup-clone.mjs", ["--root", repo], gitEnv());
  expect(first.status).toBe(0);
  expect(first.stderr).toContain("set merge.ours.driver");
  expect(git("config", "merge.ours.driver").out.trim()).toBe("true");

  const r = git("rebase", "main");
  expect(r.out).not.toContain("CONFLICT");
  expect(r.status).toBe(0);
  expect(bundle()).toBe("bundle(main)\n");
  expect(readFileSync(join(repo, "a.ts"), "utf8")).toBe("a2\n");
  expect(readFileSync(join(repo, "b.ts"), "utf8")).toBe("b2\n");

  // Idempotent and quiet once set up.
  const again = runScript("setup-clone.mjs", ["--root", repo], gitEnv());
  expect({ status: again.status, stderr: again.stderr }).toEqual({ status: 0, stderr: "" });
});

test("setup-clone is a quiet no-op outside a git checkout", () => {
  const plain = join(dir, "plain");
  mkdirSync(plain);
  const r = runScript("setup-clone.mjs", ["--root", plain], gitEnv());
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
});
