// Bundles the worker/CLI (src/cli/main.ts) into assets/stormtunnel.js: plain Node CommonJS that Raycast runs with its
// own Node (process.execPath). The bundle is committed: the Raycast store builds with `ray build` alone, which only
// copies assets/ to dist/assets, so no script of ours runs there.
// The AWS SDK clients go into a second file beside it, assets/stormtunnel-sdk.js, required only when code first
// touches an SDK export: a tunnel worker (which makes its AWS calls through a short-lived helper process) never parses
// or runs the SDK, which would cost it ~15 MB of resident memory for the whole life of the tunnel.
// Usage: node scripts/build-worker.mjs [--check] [--root DIR] [--outfile FILE]
//   --check  build in memory and exit 1 if FILE differs (CI and a test run it: the committed bundle must be fresh).
import { build } from "esbuild";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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
const sdkOutfile = join(dirname(outfile), "stormtunnel-sdk.js");
const show = (file) => relative(process.cwd(), file) || file;

for (const file of check ? [outfile, sdkOutfile] : []) {
  if (!existsSync(file)) {
    console.error(`build-worker: ${show(file)} is missing. Run \`${FIX}\` and commit it.`);
    process.exit(1);
  }
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

/** Every SDK client our sources import, with the names they import from it (values only, not types). */
function sdkImports() {
  const wanted = new Map();
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(e.name)) {
        const text = readFileSync(path, "utf8");
        for (const m of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+"(@aws-sdk\/client-[a-z0-9-]+)"/g)) {
          if (m[1]) continue;
          const names = wanted.get(m[3]) ?? new Set();
          for (const spec of m[2]
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean)) {
            if (!spec.startsWith("type ")) names.add(spec.split(/\s+as\s+/)[0]);
          }
          wanted.set(m[3], names);
        }
      }
    }
  };
  walk(join(root, "src", "lib"));
  walk(join(root, "src", "cli"));
  return new Map([...wanted].sort(([a], [b]) => a.localeCompare(b)));
}
const sdk = sdkImports();

// In the main bundle an SDK client is a stub of getters: the first one used requires stormtunnel-sdk.js.
const lazySdk = {
  name: "lazy-sdk",
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/client-[a-z0-9-]+$/ }, (a) => ({ path: a.path, namespace: "lazy-sdk" }));
    b.onLoad({ filter: /.*/, namespace: "lazy-sdk" }, (a) => {
      const names = [...(sdk.get(a.path) ?? [])].sort();
      const getters = names.map((n) => `get ${n}() { return load().${n}; }`).join(",\n  ");
      return {
        loader: "js",
        contents: `let m;
const load = () => (m ??= require(require("node:path").join(__dirname, "stormtunnel-sdk.js"))(${JSON.stringify(a.path)}));
module.exports = {\n  ${getters}\n};\n`,
      };
    });
  },
};

// ws requires zlib at load for permessage-deflate, which our data channel turns off: load it only if ever used
// (zlib costs an idle worker ~1.5 MB of resident memory for nothing).
const lazyZlib = {
  name: "lazy-zlib",
  setup(b) {
    b.onResolve({ filter: /^zlib$/ }, (a) =>
      /[\\/]node_modules[\\/]ws[\\/]/.test(a.importer) ? { path: "zlib", namespace: "lazy-zlib" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-zlib" }, () => ({
      loader: "js",
      contents: 'module.exports = new Proxy({}, { get: (_, key) => require("node:zlib")[key] });\n',
    }));
  },
};

// The SDK file: one loader per client the main bundle reaches, each initialised the first time it is asked for.
const sdkEntry = (clients) =>
  [
    "const clients = {",
    ...clients.map((p) => `  ${JSON.stringify(p)}: () => require(${JSON.stringify(p)}),`),
    "};",
    "module.exports = (name) => clients[name]();",
  ].join("\n");

// Deterministic by construction: same sources + same esbuild (pinned) = same bytes on any machine and directory.
// Minified output carries no paths, comments or timestamps; nothing below depends on the clock or the checkout.
/** What both bundles share: one minified CommonJS file for Node 20+, nothing written until both are built. */
const shared = {
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
  logLevel: "warning",
};

const result = await build({
  ...shared,
  entryPoints: [entry],
  outfile,
  // ws probes these optional native speed-ups inside try/catch; they are not installed and must stay unresolved.
  external: ["bufferutil", "utf-8-validate"],
  banner: { js: "#!/usr/bin/env node" },
  metafile: true,
  plugins: [dropEntryHashbang, lazySdk, lazyZlib],
}).catch((e) => {
  console.error(`build-worker: esbuild failed: ${e.message}`);
  process.exit(1);
});

const reached = Object.keys(result.metafile.inputs)
  .filter((p) => p.startsWith("lazy-sdk:"))
  .map((p) => p.slice("lazy-sdk:".length))
  .sort();
const sdkResult = await build({
  stdin: { contents: sdkEntry(reached), resolveDir: root, sourcefile: "stormtunnel-sdk-entry.js", loader: "js" },
  outfile: sdkOutfile,
  ...shared,
}).catch((e) => {
  console.error(`build-worker: esbuild failed on the SDK bundle: ${e.message}`);
  process.exit(1);
});

// The worker must run outside Raycast: it may never pull in Raycast's API.
const raycastInputs = Object.keys(result.metafile.inputs).filter((p) => p.includes("@raycast/"));
if (raycastInputs.length > 0) {
  console.error(`build-worker: the worker bundle includes Raycast modules: ${raycastInputs.join(", ")}`);
  process.exit(1);
}

const code = result.outputFiles[0].contents;
const sdkCode = sdkResult.outputFiles[0].contents;
if (Buffer.from(code).toString("utf8").split("\n", 2)[1]?.startsWith("#!")) {
  console.error("build-worker: duplicate #! line in the bundle");
  process.exit(1);
}

if (check) {
  for (const [file, built] of [
    [outfile, code],
    [sdkOutfile, sdkCode],
  ]) {
    if (!Buffer.from(built).equals(readFileSync(file))) {
      console.error(
        `build-worker: ${show(file)} is stale (it differs from a fresh build of src/). Run \`${FIX}\` and commit it.`,
      );
      process.exit(1);
    }
  }
  process.exit(0);
}

mkdirSync(dirname(outfile), { recursive: true });
writeFileSync(outfile, code);
chmodSync(outfile, 0o755);
writeFileSync(sdkOutfile, sdkCode);
const kb = (c) => Math.round(c.length / 1024);
console.log(`build-worker: ${show(outfile)} (${kb(code)} KB), ${show(sdkOutfile)} (${kb(sdkCode)} KB)`);
