// `stormtunnel login` / `stormtunnel logout` as CliCommands: flags, output, exit codes, $BROWSER.
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../emulator";
import { loginCommand, makeLoginCommand } from "../../src/cli/commands/login";
import { logoutCommand } from "../../src/cli/commands/logout";
import type { CliIo } from "../../src/cli/io";
import { readToken } from "../../src/lib/sso/token-cache";
import { groupOf, makeTempHome, sleep, writeAwsConfig, type TempHome } from "./helpers";

jest.setTimeout(30_000);

let emu: Emulator;
let home: TempHome;
let out: string[];
let err: string[];

beforeEach(async () => {
  emu = await startEmulator();
  home = makeTempHome();
  writeAwsConfig(home);
  out = [];
  err = [];
});
afterEach(async () => {
  await emu.close();
  home.cleanup();
});

function io(extraEnv: Record<string, string> = {}, onLine?: (l: string) => void): CliIo {
  return {
    env: { ...home.env, ...emu.env(), ...extraEnv },
    stdout: (l) => {
      out.push(l);
      onLine?.(l);
    },
    stderr: (l) => err.push(l),
    signal: new AbortController().signal,
  };
}

it("device code without a browser: prints the code and URL, waits for approval, reports the session", async () => {
  const code = await loginCommand(
    ["dev", "--device-code", "--no-browser"],
    io({}, (line) => {
      const m = /enter the code (\S+)/.exec(line);
      if (m) void sleep(50).then(() => emu.oidc.approve(m[1]));
    }),
  );
  expect(err).toEqual([]);
  expect(code).toBe(0);
  expect(out[0]).toMatch(
    new RegExp(
      `^To sign in, open ${emu.endpoints.device}/ and enter the code [A-Z0-9]{4}-[A-Z0-9]{4}\\n\\(or open ${emu.endpoints.device}/\\?user_code=`,
    ),
  );
  expect(out.at(-1)).toMatch(
    /^Signed in to SSO session corp \(profiles: dev, dev-ro, dev-noperm\)\. Token valid until \d{4}-.*Z\.$/,
  );
  const { group } = await groupOf(home, "dev");
  const read = await readToken(group.tokenCacheFile);
  expect(read.state).toBe("ok");
  if (read.state === "ok") for (const line of [...out, ...err]) expect(line).not.toContain(read.token.accessToken);
});

it("honours the login-method setting from the environment", async () => {
  emu.knobs.autoApprove = true;
  expect(await loginCommand(["dev"], io({ STORMTUNNEL_LOGIN_METHOD: "device-code" }))).toBe(0);
  expect(emu.oidc.createTokenCalls.device_code).toBe(1);
});

it("opens the browser through $BROWSER (PKCE)", async () => {
  emu.knobs.autoApprove = true;
  const urlFile = join(home.dir, "browser-url");
  const follower = join(home.dir, "follow.js");
  writeFileSync(follower, `fetch(process.argv[2],{redirect:"manual"}).then(r=>fetch(r.headers.get("location")));`);
  const browser = join(home.dir, "browser.sh");
  writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > '${urlFile}'\nexec '${process.execPath}' '${follower}' "$1"\n`);
  chmodSync(browser, 0o755);
  expect(await loginCommand(["dev"], io({ BROWSER: browser }))).toBe(0);
  expect(readFileSync(urlFile, "utf8")).toBe(emu.oidc.lastAuthorize!.url);
  expect(out[0]).toBe(`Sign in in the browser that just opened. If none did, open:\n${emu.oidc.lastAuthorize!.url}`);
});

it("prints the URL when the browser cannot be opened", async () => {
  emu.knobs.autoApprove = true;
  const cmd = makeLoginCommand({
    openBrowser: async () => {
      throw new Error("xdg-open: ENOENT");
    },
  });
  const code = await cmd(
    ["dev"],
    io({}, (line) => {
      if (line.startsWith("Could not open a browser"))
        void fetch(line.split(": ").pop()!, { redirect: "manual" }).then((r) => fetch(r.headers.get("location")!));
    }),
  );
  expect(code).toBe(0);
  expect(out).toContain(
    `Could not open a browser (xdg-open: ENOENT). Open this URL to continue: ${emu.oidc.lastAuthorize!.url}`,
  );
});

it.each([
  [[], 2, /^usage: stormtunnel login/],
  [["dev", "--bogus"], 2, /unknown option --bogus/],
  [["nope"], 1, /^stormtunnel login: The config profile \(nope\) could not be found$/],
  [["static"], 1, /^stormtunnel login: Profile static does not sign in with IAM Identity Center \(SSO\)/],
])("login %p exits %i", async (args, exit, message) => {
  expect(await loginCommand(args as string[], io())).toBe(exit);
  expect(err.join("\n")).toMatch(message);
});

it("--cancel with no login running says so", async () => {
  expect(await loginCommand(["--cancel", "dev"], io())).toBe(0);
  expect(out).toEqual(["No login is running for profile dev."]);
});

it("exits 130 when interrupted", async () => {
  const ac = new AbortController();
  const cmdIo = { ...io(), signal: ac.signal };
  const cmd = makeLoginCommand({ openBrowser: async () => void setTimeout(() => ac.abort(), 20) });
  expect(await cmd(["dev"], cmdIo)).toBe(130);
  expect(err).toEqual(["stormtunnel login: Login cancelled."]);
});

it("logout signs out of the profile's session; a second logout says there was nothing", async () => {
  emu.knobs.autoApprove = true;
  await loginCommand(["dev", "--device-code"], io());
  out = [];
  expect(await logoutCommand(["dev-ro"], io())).toBe(0);
  expect(out).toEqual(["Signed out of SSO session corp (profiles: dev, dev-ro, dev-noperm)."]);
  expect(await logoutCommand(["dev"], io())).toBe(0);
  expect(out[1]).toBe("Not signed in to SSO session corp: there was no cached token.");
});

it("logout --all covers every SSO session in the config", async () => {
  emu.knobs.autoApprove = true;
  await loginCommand(["dev", "--device-code"], io());
  await loginCommand(["legacy", "--device-code"], io());
  out = [];
  expect(await logoutCommand(["--all"], io())).toBe(0);
  expect(out.filter((l) => l.startsWith("Signed out"))).toHaveLength(2);
  expect(await logoutCommand([], io())).toBe(2);
});

it("signing in a role-chained profile signs in the SSO session at the root of its chain", async () => {
  emu.knobs.autoApprove = true;
  writeAwsConfig(
    home,
    `${readFileSync(home.env.AWS_CONFIG_FILE!, "utf8")}\n[profile app]\nrole_arn = arn:aws:iam::444455556666:role/TunnelOperator\nsource_profile = dev-admin-chain\n\n[profile dev-admin-chain]\nrole_arn = arn:aws:iam::444455556666:role/TunnelOperator\nsource_profile = dev\n`,
  );
  expect(await loginCommand(["app", "--device-code"], io())).toBe(0);
  expect(out.at(-1)).toMatch(
    /^Signed in to SSO session corp \(profiles: dev, dev-ro, dev-noperm, app, dev-admin-chain\)/,
  );
  const { group } = await groupOf(home, "dev");
  expect((await readToken(group.tokenCacheFile)).state).toBe("ok");
});
