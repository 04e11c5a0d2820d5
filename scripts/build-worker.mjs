// Bundles the worker/CLI (src/cli/main.ts) into assets/stormtunnel.js: plain Node CommonJS that Raycast runs with its
// own Node (process.execPath). The bundle is committed: the Raycast store builds with `ray build` alone, which only
// copies assets/ to dist/assets, so no script of ours runs there.
// Usage: node scripts/build-worker.mjs [--check] [--root DIR] [--outfile FILE]
//   --check  build in memory and exit 1 if FILE differs (CI and a test run it: the committed bundle must be fresh).
import { build } from "esbuild";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const FIX = "npm run build:worker";

// --root and --outfile exist for tests; the build itself uses the defaults.
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? resolve(args[args.indexOf(name) + 1]) : undefined);
const check = args.includes("--check");
const root = option("--root") ?? join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "src", "cli", "main.ts");
const outfile = option("--outfile") ?? join(root, "assets", "stormtunnel.js");
const shown = relative(process.cwd(), outfile) || outfile;

if (check && !existsSync(outfile)) {
  console.error(`build-worker: ${shown} is missing. Run \`${FIX}\` and commit it.`);
  process.exit(1);
}
if (!existsSync(entry)) {
  console.error(`build-worker: ${relative(root, entry)} does not exist; the worker/CLI entry must be written first.`);
  process.exit(1);
}

// The banner supplies the one "#!" line; esbuild would also keep the entry's own, and a second one is a syntax error.
const dropEntryHashbang = {
  name: "drop-entry-hashbang",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]cli[\\/]main\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, "utf8").replace(/^#!.*/, "//"), // same line count keeps stack traces exact
      loader: "ts",
    }));
  },
};

// Deterministic by construction: same sources + same esbuild (pinned) = same bytes on any machine and directory.
// Minified output carries no paths, comments or timestamps; nothing below depends on the clock or the checkout.
const result = await build({
  entryPoints: [entry],
  outfile,
  write: false,
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  minify: true,
  // No map in assets/: ray build copies assets/ verbatim and a 7 MB map would ship to every user.
  sourcemap: false,
  legalComments: "none",
  // ws probes these optional native speed-ups inside try/catch; they are not installed and must stay unresolved.
  external: ["bufferutil", "utf-8-validate"],
  banner: { js: "#!/usr/bin/env node" },
  logLevel: "warning",
  metafile: true,
  plugins: [dropEntryHashbang],
}).catch((e) => {
  console.error(`build-worker: esbuild failed: ${e.message}`);
  process.exit(1);
});

// The worker must run outside Raycast: it may never pull in Raycast's API.
const raycastInputs = Object.keys(result.metafile.inputs).filter((p) => p.includes("@raycast/"));
if (raycastInputs.length > 0) {
  console.error(`build-worker: the worker bundle includes Raycast modules: ${raycastInputs.join(", ")}`);
  process.exit(1);
}

const code = result.outputFiles[0].contents;
if (Buffer.from(code).toString("utf8").split("\n", 2)[1]?.startsWith("#!")) {
  console.error("build-worker: duplicate #! line in the bundle");
  process.exit(1);
}

if (check) {
  if (!Buffer.from(code).equals(readFileSync(outfile))) {
    console.error(
      `build-worker: ${shown} is stale (it differs from a fresh build of src/). Run \`${FIX}\` and commit it.`,
    );
    process.exit(1);
  }
  process.exit(0);
}

writeFileSync(outfile, code);
chmodSync(outfile, 0o755);
console.log(`build-worker: ${shown} (${Math.round(code.length / 1024)} KB)`);
