// The worker bundle is committed (the Raycast store runs `ray build` alone, which only copies assets/): it must be
// exactly what the sources build to, and git must be set up to keep rebases from stopping on it.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { runScript } from "./run-script";

const ROOT = join(__dirname, "..", "..");
const git = (...args: string[]) => execFileSync("git", ["-C", ROOT, ...args], { encoding: "utf8" }).trim();

test("the committed assets/stormtunnel.js and stormtunnel-sdk.js are a fresh build of the sources", () => {
  const run = runScript("build-worker.mjs", ["--check"]);
  // On failure this shows the one command that fixes it.
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
});

test("git tracks the bundle as an executable, never text-merged or text-diffed", () => {
  expect(git("ls-files", "--stage", "assets/stormtunnel.js")).toMatch(/^100755 /);
  expect(git("ls-files", "assets/stormtunnel-sdk.js")).toBe("assets/stormtunnel-sdk.js");
  for (const file of ["assets/stormtunnel.js", "assets/stormtunnel-sdk.js"]) {
    expect(git("check-attr", "merge", "diff", "text", "--", file).split("\n")).toEqual([
      `${file}: merge: ours`,
      `${file}: diff: unset`,
      `${file}: text: unset`,
    ]);
  }
});
