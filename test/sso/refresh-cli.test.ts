// `stormtunnel refresh` and `stormtunnel profiles` against the emulator, in a temp home.
import { profilesCommand } from "../../src/cli/commands/profiles";
import { refreshCommand } from "../../src/cli/commands/refresh";
import type { CliIo } from "../../src/cli/io";
import { readToken, writeToken } from "../../src/lib/sso/token-cache";
import { formatCacheTimestamp } from "../../src/lib/sso/timestamps";
import { startEmulator, type Emulator } from "../emulator";
import { makeTempHome, type TempHome } from "./helpers";
import { corpGroup, loginToken, writeConfig } from "./refresh-helpers";

const MIN = 60_000;
let emu: Emulator;
let home: TempHome;

beforeEach(async () => {
  emu = await startEmulator();
  home = makeTempHome(emu.env());
  writeConfig(home.env, ["dev", "prod"], true);
});
afterEach(async () => {
  await emu.close();
  home.cleanup();
});

function io(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    env: home.env,
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    signal: new AbortController().signal,
    out,
    err,
  };
}

async function loginCorp(expiresInMs: number) {
  const { group } = await corpGroup(home.env);
  const token = loginToken(emu, { expiresAt: formatCacheTimestamp(Date.now() + expiresInMs) });
  await writeToken(group.tokenCacheFile, token);
  return { group, token };
}

describe("stormtunnel refresh", () => {
  test("refreshes a due session, prints the outcome, never the token", async () => {
    const { group, token } = await loginCorp(2 * MIN);
    const c = io();
    expect(await refreshCommand(["dev"], c)).toBe(0);
    expect(c.out).toHaveLength(1);
    expect(c.out[0]).toMatch(/^corp \(dev, prod\): valid — .* \(in 60 min\) — refreshed$/);
    const after = await readToken(group.tokenCacheFile);
    expect(after.state === "ok" && after.token.accessToken).not.toBe(token.accessToken);
    expect(c.out.join("\n")).not.toContain(after.state === "ok" ? after.token.accessToken : "x");
    expect(emu.oidc.createTokenCalls.refresh_token).toBe(1);
  });

  test("a session that is not due is left alone unless --force", async () => {
    await loginCorp(50 * MIN);
    const c = io();
    expect(await refreshCommand(["dev"], c)).toBe(0);
    expect(emu.oidc.createTokenCalls.refresh_token).toBe(0);
    const f = io();
    expect(await refreshCommand(["prod", "--force", "--json"], f)).toBe(0);
    expect(JSON.parse(f.out.join("\n"))).toMatchObject([{ session: "corp", state: "valid", refreshed: true }]);
    expect(emu.oidc.createTokenCalls.refresh_token).toBe(1);
  });

  test("an outage on an expired token: exit 1, the reason and the next try, and no advice to sign in", async () => {
    await loginCorp(-MIN);
    emu.addFault({ service: "sso-oidc", operation: "CreateToken", status: 500, times: Infinity });
    const c = io();
    expect(await refreshCommand(["dev"], c)).toBe(1);
    expect(emu.log.filter((e) => e.operation === "CreateToken" && e.fault).length).toBe(1);
    expect(c.out[0]).toMatch(/^corp \(dev, prod\): expired — /);
    expect(c.out[0]).toMatch(/next try /);
    // Signing in cannot help while IAM Identity Center is down; the refresh comes back by itself.
    expect(c.out[0]).not.toMatch(/stormtunnel login/);
  });

  test("auth-required: exit 1 with the reason and how to sign in", async () => {
    await loginCorp(2 * MIN);
    emu.oidc.endIdpSessions();
    const c = io();
    expect(await refreshCommand(["--all"], c)).toBe(1);
    const corp = c.out.find((l) => l.startsWith("corp"))!;
    expect(corp).toMatch(/auth-required/);
    expect(corp).toMatch(/InvalidGrantException/);
    expect(corp).toMatch(/sign-in session ends/);
    expect(corp).toMatch(/stormtunnel login dev/);
  });

  test("usage errors and unknown profiles exit 2", async () => {
    const c = io();
    expect(await refreshCommand(["--bogus"], c)).toBe(2);
    expect(await refreshCommand(["dev", "--all"], c)).toBe(2);
    expect(await refreshCommand(["nope"], c)).toBe(2);
    expect(c.err.join("\n")).toMatch(/No profile named "nope"/);
  });
});

describe("stormtunnel profiles", () => {
  test("lists kind, session, token state, expiry, silent refresh and tunnel usability", async () => {
    await loginCorp(3 * MIN);
    const c = io();
    expect(await profilesCommand([], c)).toBe(0);
    expect(c.out[0]).toMatch(/^PROFILE\s+KIND\s+SESSION\s+TOKEN\s+EXPIRES\s+REFRESH\s+TUNNEL\s+NOTE$/);
    const dev = c.out.find((l) => l.startsWith("dev "))!;
    expect(dev).toMatch(/sso-session\s+corp\s+expiring\s+\S+Z \(in 3 min\)\s+auto\s+yes/);
    const old = c.out.find((l) => l.startsWith("old "))!;
    expect(old).toMatch(/legacy-sso\s+https:\/\/d-0000000000\.awsapps\.com\/start\s+signed-out\s+-\s+-\s+no/);
    expect(emu.log.length).toBe(0); // no network
  });

  test("a legacy token the AWS CLI wrote (no refresh token) says when it runs out and how to make it refresh", async () => {
    const config = await corpGroup(home.env);
    const legacy = config.config.groups.find((g) => !g.sessionName)!;
    await writeToken(
      legacy.tokenCacheFile,
      loginToken(emu, { refreshToken: undefined, expiresAt: formatCacheTimestamp(Date.now() + 40 * MIN) }),
    );
    const c = io();
    expect(await profilesCommand([], c)).toBe(0);
    const old = c.out.find((l) => l.startsWith("old "))!;
    expect(old).toMatch(/legacy-sso\s+\S+\s+valid\s+\S+Z \(in 40 min\)\s+sign in\s+yes\s+\(stormtunnel login old\)$/);
    const json = io();
    await profilesCommand(["--json"], json);
    expect(JSON.parse(json.out.join("\n"))).toContainEqual(
      expect.objectContaining({ profile: "old", state: "valid", silentRefresh: "sign-in-to-enable" }),
    );
  });

  test("--json", async () => {
    await loginCorp(30 * MIN);
    const c = io();
    expect(await profilesCommand(["--json"], c)).toBe(0);
    const rows = JSON.parse(c.out.join("\n")) as {
      profile: string;
      state: string;
      tunnelUsable: boolean;
      kind: string;
    }[];
    expect(rows.map((r) => [r.profile, r.kind, r.state, r.tunnelUsable])).toEqual([
      ["dev", "sso-session", "valid", true],
      ["prod", "sso-session", "valid", true],
      ["old", "legacy-sso", "signed-out", false],
    ]);
  });
});
