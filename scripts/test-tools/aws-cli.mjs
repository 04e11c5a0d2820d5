// The AWS CLI side of the interop tests: a python3 that imports botocore (our tokens as the CLI reads them) and an
// `aws` command. Taken from the machine when it has them; otherwise both come from the npm package
// @aws-cdk/asset-awscli-v1, AWS's own Lambda layer of AWS CLI v1 (pure Python), unpacked into the cache. Debian's
// python3-botocore is too old (1.29) for what the tests check, and PyPI may be out of reach: the npm registry is not.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { firstLine, PACKAGES, packAndExtract, stage } from "./npm-package.mjs";

// Layer 2.2.282 is AWS CLI 1.45.14 with botocore 1.43.14 (what the CI machine's pip has, give or take).
const LAYER = PACKAGES.awscli;
const DIR = `awscli-layer-${LAYER.version}`;
const PIP = "python3 -m pip install awscli"; // brings botocore too
const PYTHONS = ["python3", "/usr/bin/python3", "/usr/local/bin/python3", "/opt/homebrew/bin/python3"];

const PROBE = `import json, sys
try:
    import botocore
    version = botocore.__version__
except Exception:
    version = None
print(json.dumps({"executable": sys.executable, "botocore": version}))`;

// The layer holds everything under awscli/: the `aws` script, awscli, botocore and their dependencies.
const EXTRACT = `import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for n in z.namelist():
        if n.startswith("awscli/") and not n.endswith("/") and "__pycache__" not in n:
            out = os.path.join(sys.argv[2], n[len("awscli/"):])
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with z.open(n) as src, open(out, "wb") as dst:
                dst.write(src.read())`;

/** Candidate lists; STORMTUNNEL_PYTHON_CANDIDATES / STORMTUNNEL_AWS_CANDIDATES (JSON arrays) replace them. */
function candidates(env, name, fallback) {
  return env[name] ? JSON.parse(env[name]) : fallback;
}

function probe(python, env, extra = {}) {
  const r = spawnSync(python, ["-c", PROBE], { env: { ...env, ...extra }, encoding: "utf8", timeout: 60_000 });
  try {
    return r.status === 0 ? JSON.parse(r.stdout.trim().split("\n").pop()) : undefined;
  } catch {
    return undefined;
  }
}

/** The first python3 that imports botocore, and the first that runs at all (to unpack and run the layer). */
let pythonsFound;
function pythons(env) {
  pythonsFound ??= searchPythons(env);
  return pythonsFound;
}
function searchPythons(env) {
  let any;
  for (const candidate of candidates(env, "STORMTUNNEL_PYTHON_CANDIDATES", PYTHONS)) {
    const probed = probe(candidate, env);
    if (probed?.botocore) return { withBotocore: probed.executable, any: any ?? probed.executable };
    any ??= probed?.executable;
  }
  return { any };
}

const withPath = (dir, env) => ({ PYTHONPATH: env.PYTHONPATH ? `${dir}${delimiter}${env.PYTHONPATH}` : dir });

/** The unpacked layer (fetched once, also when both tools need it), checked to import the botocore it should. */
let unpacked;
function layer(python, cacheDir, env, log) {
  unpacked ??= (() => {
    try {
      return { dir: unpackLayer(python, cacheDir, env, log) };
    } catch (error) {
      return { error };
    }
  })();
  if (unpacked.error) throw unpacked.error;
  return unpacked.dir;
}
function unpackLayer(python, cacheDir, env, log) {
  const cached = join(cacheDir, DIR);
  if (existsSync(join(cached, "aws"))) return cached;
  const spec = `${LAYER.name}@${LAYER.version}`;
  log(`fetching AWS CLI ${LAYER.awscli} with botocore ${LAYER.botocore} from the npm registry (${spec}, 20 MB) ...`);
  const s = stage(cacheDir);
  try {
    packAndExtract(spec, s.dir, ["package/lib/layer.zip"]);
    const unzip = spawnSync(python, ["-c", EXTRACT, join(s.dir, "package", "lib", "layer.zip"), join(s.dir, DIR)], {
      encoding: "utf8",
      timeout: 5 * 60_000,
    });
    if (unzip.status !== 0) throw new Error(`unpacking ${spec} failed: ${firstLine(unzip.stderr)}`);
    if (probe(python, env, withPath(join(s.dir, DIR), env))?.botocore !== LAYER.botocore) {
      throw new Error(`the botocore of ${spec} does not import with ${python}`);
    }
    return s.commit(DIR);
  } finally {
    s.discard();
  }
}

/** Resolves to `{ command, env }` (an interpreter that imports botocore), or `{ missing }`. */
export function findBotocore({ env, cacheDir, log }) {
  const { withBotocore, any } = pythons(env);
  if (withBotocore) return { command: withBotocore, env: {} };
  if (!any) return { missing: { what: "botocore for python3", how: `install python3 3.9 or newer, then ${PIP}` } };
  try {
    return { command: any, env: withPath(layer(any, cacheDir, env, log), env) };
  } catch (e) {
    return { missing: { what: "botocore for python3", how: `${PIP}; ${e.message}` } };
  }
}

function onPath(name, env) {
  if (name.includes("/")) return name;
  return (env.PATH ?? "")
    .split(delimiter)
    .map((d) => join(d, name))
    .find((p) => {
      try {
        accessSync(p, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** Resolves to `{ command, env }` for `aws`, or `{ missing }`. */
export function findAwsCli({ env, cacheDir, log }) {
  for (const candidate of candidates(env, "STORMTUNNEL_AWS_CANDIDATES", ["aws"])) {
    const path = onPath(candidate, env);
    if (path && spawnSync(path, ["--version"], { env, timeout: 60_000 }).status === 0)
      return { command: path, env: {} };
  }
  const { any } = pythons(env);
  if (!any) return { missing: { what: "the AWS CLI", how: `install python3 3.9 or newer, then ${PIP}` } };
  try {
    const dir = layer(any, cacheDir, env, log);
    // A launcher for the layer's `aws` script with this machine's python3 (the script's own #! is Lambda's).
    const launcher = join(dir, `aws-${process.pid}`);
    const text = `#!/bin/sh\nPYTHONPATH="${dir}\${PYTHONPATH:+:$PYTHONPATH}" exec "${any}" "${join(dir, "aws")}" "$@"\n`;
    const command = join(dir, "aws-cli");
    if (!existsSync(command) || readFileSync(command, "utf8") !== text) {
      writeFileSync(launcher, text, { mode: 0o755 });
      renameSync(launcher, command); // atomic: a concurrent run never sees half a script
    }
    return { command, env: {} };
  } catch (e) {
    return { missing: { what: "the AWS CLI", how: `${PIP}; ${e.message}` } };
  }
}
