// Readies a git clone for the committed worker bundle: .gitattributes gives assets/stormtunnel.js the "ours" merge
// driver, which git only knows once `merge.ours.driver` is set; without it a rebase stops on a conflict inside
// minified code. With it git keeps the current copy and `npm run check:worker` says when to rebuild.
// Idempotent and silent once done; a no-op outside a git checkout. Usage: node scripts/setup-clone.mjs [--root DIR]
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const git = (root, args) => spawnSync("git", ["-C", root, ...args], { encoding: "utf8" });

export function setupClone(root) {
  if (git(root, ["rev-parse", "--git-dir"]).status !== 0) return; // a tarball, or no git at all
  if (git(root, ["config", "merge.ours.driver"]).stdout.trim() !== "") return;
  if (git(root, ["config", "merge.ours.driver", "true"]).status === 0) {
    console.error("git: set merge.ours.driver for this clone, so rebases keep the committed worker bundle.");
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const flag = process.argv.indexOf("--root");
  setupClone(flag > 0 ? resolve(process.argv[flag + 1]) : join(dirname(fileURLToPath(import.meta.url)), ".."));
}
