// Our own disk writes failing (issue 9 item 9): a root-owned ~/.aws/sso/cache after `sudo aws sso login`, a folder
// where the token file belongs, a STORMTUNNEL_HOME that is a file. Each is said as a local-file problem naming the
// path and the fix, never "IAM Identity Center rejected the request", and no sign-in is started only to lose its token.
import { execFile } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeLoginCommand } from "../../src/cli/commands/login";
import { login } from "../../src/lib/sso/login";
import { writeToken } from "../../src/lib/sso/token-cache";
import { startEmulator, type Emulator } from "../emulator";
import { groupOf, makeTempHome, writeAwsConfig, type TempHome } from "./helpers";
import { loginToken } from "./refresh-helpers";

const ROOT = join(__dirname, "..", "..");
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

let emu: Emulator;
let home: TempHome;
beforeEach(async () => {
  emu = await startEmulator({ knobs: { autoApprove: true } });
  home = makeTempHome(emu.env());
  writeAwsConfig(home);
});
afterEach(async () => {
  await emu.close();
  try {
    chmodSync(home.cacheDir, 0o700); // so a non-root run can delete it
  } catch {
    // this test made no cache folder
  }
  home.cleanup();
});

/** OIDC calls that reached the emulator: none means no registration, no browser, no token issued. */
const oidcCalls = () => emu.log.filter((e) => e.service === "sso-oidc").length;

/**
 * The aftermath of `sudo aws sso login`: ~/.aws/sso/cache and its token owned by root. Our process must not be able to
 * write there: as root (CI containers) the CLI runs as nobody in a home nobody owns; otherwise the folder is made
 * read-only for us.
 */
function rootOwnedCache(): { uid?: number; gid?: number } {
  mkdirSync(home.cacheDir, { recursive: true });
  if (!asRoot) {
    chmodSync(home.cacheDir, 0o555);
    return {};
  }
  for (const dir of [home.dir, join(home.dir, ".config"), home.env.STORMTUNNEL_HOME!]) {
    mkdirSync(dir, { recursive: true });
    chownSync(dir, NOBODY, NOBODY);
  }
  chownSync(join(home.dir, ".aws"), NOBODY, NOBODY);
  chownSync(home.env.AWS_CONFIG_FILE!, NOBODY, NOBODY);
  chmodSync(home.cacheDir, 0o755); // root's, as sudo leaves it
  return { uid: NOBODY, gid: NOBODY };
}

function cli(args: string[], ids: { uid?: number; gid?: number }) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      ["--import", "tsx", join(ROOT, "src", "cli", "main.ts"), ...args],
      { env: { ...home.env, BROWSER: "true" } as NodeJS.ProcessEnv, cwd: ROOT, timeout: 60_000, ...ids },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

test("root-owned token cache: login names the folder and the chown, before any sign-in starts", async () => {
  const r = await cli(["login", "dev"], rootOwnedCache());
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`StormTunnel may not write in ${home.cacheDir} (EACCES).`);
  expect(r.stderr).toContain(`sudo chown -R "$(whoami)" "${home.cacheDir}"`);
  expect(r.stderr).not.toMatch(/IAM Identity Center/);
  expect(oidcCalls()).toBe(0);
}, 60_000);

test("root-owned token file: refresh says who may not read it and how to fix it", async () => {
  const { group } = await groupOf(home, "dev");
  await writeToken(group.tokenCacheFile, loginToken(emu));
  const ids = rootOwnedCache();
  if (!asRoot) chmodSync(group.tokenCacheFile, 0o000);
  const r = await cli(["refresh", "dev"], ids);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(`${group.tokenCacheFile} cannot be read by you (EACCES)`);
  expect(r.stdout).toContain(`sudo chown -R "$(whoami)" "${home.cacheDir}"`);
  expect(emu.oidc.createTokenCalls.refresh_token).toBe(0);
}, 60_000);

test("a folder where the token file belongs: EISDIR with the rmdir, and no registration", async () => {
  const { group } = await groupOf(home, "dev");
  mkdirSync(group.tokenCacheFile, { recursive: true });
  const err = await login(group, { env: home.env, endpoints: emu.endpoints, openBrowser: async () => undefined }).catch(
    (e: unknown) => e,
  );
  expect(err).toMatchObject({ kind: "local-file", code: "EISDIR" });
  expect((err as Error).message).toContain(`${group.tokenCacheFile} is a folder`);
  expect((err as Error).message).toContain(`rmdir "${group.tokenCacheFile}"`);
  expect(oidcCalls()).toBe(0);
});

test("STORMTUNNEL_HOME pointing at a file: the CLI names that file and says to move it aside", async () => {
  const file = join(home.dir, "not-a-folder");
  writeFileSync(file, "oops");
  const env = { ...home.env, STORMTUNNEL_HOME: file };
  const out: string[] = [];
  const err: string[] = [];
  const io = { env, stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) };
  const code = await makeLoginCommand({ endpoints: emu.endpoints, openBrowser: async () => undefined })(["dev"], {
    ...io,
    signal: new AbortController().signal,
  });
  expect(code).toBe(1);
  expect(err.join("\n")).toContain(`${file} is a file, where StormTunnel needs a folder`);
  expect(err.join("\n")).toContain(`mv "${file}" "${file}.bak"`);
  expect(err.join("\n")).not.toMatch(/rejected/);
  expect(oidcCalls()).toBe(0);
});
