// A headless Chromium for the browser tests: CHROMIUM_PATH, else one the machine has, else (Linux x64) the build that
// the npm package @sparticuz/chromium ships, unpacked with the NSS/NSPR/expat libraries it links against and fonts,
// so it needs nothing from the system beyond glibc.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { PACKAGES, packAndExtract, stage, unbrotli, untarBrotli } from "./npm-package.mjs";

const CHROMIUM_PACKAGE = PACKAGES.chromium;
const DIR = `chromium-${CHROMIUM_PACKAGE.version}`;

const MAC_APPS = [
  "Google Chrome.app/Contents/MacOS/Google Chrome",
  "Chromium.app/Contents/MacOS/Chromium",
  "Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
];
const LINUX = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/snap/bin/chromium",
];

/** Where a Chromium usually is; STORMTUNNEL_CHROMIUM_CANDIDATES (a JSON array) replaces the list, e.g. in tests. */
export function chromiumCandidates(env, platform) {
  if (env.STORMTUNNEL_CHROMIUM_CANDIDATES) return JSON.parse(env.STORMTUNNEL_CHROMIUM_CANDIDATES);
  if (platform === "darwin")
    return ["/Applications", join(homedir(), "Applications")].flatMap((d) => MAC_APPS.map((a) => join(d, a)));
  return LINUX;
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The environment our unpacked build runs with: its own libraries first, its own fonts. */
function packagedTool(dir, env) {
  const lib = join(dir, "lib");
  return {
    command: join(dir, "chromium"),
    env: {
      LD_LIBRARY_PATH: env.LD_LIBRARY_PATH ? `${lib}:${env.LD_LIBRARY_PATH}` : lib,
      FONTCONFIG_FILE: join(dir, "fonts.conf"),
    },
  };
}

function runs(tool, env) {
  const r = spawnSync(tool.command, ["--version"], { env: { ...env, ...tool.env }, encoding: "utf8", timeout: 60_000 });
  return r.status === 0 && /\d+\.\d+/.test(r.stdout);
}

async function unpackChromium(cacheDir, env, log) {
  const spec = `${CHROMIUM_PACKAGE.name}@${CHROMIUM_PACKAGE.version}`;
  log(`fetching Chromium ${CHROMIUM_PACKAGE.version} for Linux x64 from the npm registry (${spec}, about 70 MB) ...`);
  const s = stage(cacheDir);
  try {
    const bin = join(s.dir, "package", "bin");
    packAndExtract(spec, s.dir, ["package/bin/chromium.br", "package/bin/al2023.tar.br", "package/bin/fonts.tar.br"]);
    const dir = join(s.dir, DIR);
    await untarBrotli(join(bin, "al2023.tar.br"), dir); // lib/: libnss3, libnspr4, libexpat, ...
    await untarBrotli(join(bin, "fonts.tar.br"), dir); // fonts/
    await unbrotli(join(bin, "chromium.br"), join(dir, "chromium"), 0o755);
    // The package's own fonts.conf points at /tmp; ours at the fonts beside the binary, in the place it moves to.
    const final = join(cacheDir, DIR);
    const conf = `<dir>${join(final, "fonts")}</dir><cachedir>${join(final, "fonts-cache")}</cachedir>`;
    writeFileSync(join(dir, "fonts.conf"), `<?xml version="1.0"?>\n<fontconfig>${conf}</fontconfig>\n`);
    if (!runs(packagedTool(dir, env), env)) throw new Error(`the Chromium of ${spec} does not start on this machine`);
    return s.commit(DIR);
  } finally {
    s.discard();
  }
}

/** Resolves to `{ command, env }`, or `{ missing: { what, how } }` (how to get it, as part of one sentence). */
export async function findChromium({ env, platform, arch, cacheDir, log }) {
  if (env.CHROMIUM_PATH) {
    return executable(env.CHROMIUM_PATH)
      ? { command: env.CHROMIUM_PATH, env: {} }
      : { missing: { what: "a Chromium", how: `CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file` } };
  }
  const found = chromiumCandidates(env, platform).find(executable);
  if (found) return { command: found, env: {} };

  const hint =
    platform === "darwin"
      ? "install Google Chrome or Chromium, or set CHROMIUM_PATH"
      : "install Chromium, e.g. apt-get install chromium, or set CHROMIUM_PATH";
  if (platform !== "linux" || arch !== "x64") return { missing: { what: "a Chromium", how: hint } };

  const cached = join(cacheDir, DIR);
  if (existsSync(join(cached, "chromium"))) return packagedTool(cached, env);
  try {
    return packagedTool(await unpackChromium(cacheDir, env, log), env);
  } catch (e) {
    return { missing: { what: "a Chromium", how: `${hint}; ${e.message}` } };
  }
}
