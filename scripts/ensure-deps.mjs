// Installs the locked dependencies when they are missing or older than package-lock.json, so `npm run demo` and
// `npm test` are the only setup commands a newcomer needs, and readies the git clone (scripts/setup-clone.mjs).
// A no-op once node_modules is current.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setupClone } from "./setup-clone.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const lock = join(root, "package-lock.json");
const installed = join(root, "node_modules", ".package-lock.json"); // npm writes it on every install

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.error("Installing dependencies (npm ci) ...");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error("npm ci failed; see the output above.");
    process.exit(r.status ?? 1);
  }
}

setupClone(root);
