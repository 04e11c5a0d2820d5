// The worker reaches every AWS service where ~/.aws/config says (issue 9 item 5): the SSO portal for role
// credentials, SSM for the session, SSO OIDC for the refresh, with no AWS_ENDPOINT_URL* in its environment.
import { readFileSync, writeFileSync } from "node:fs";
import { readState } from "../../src/lib/tunnels/state";
import { waitFor } from "../tunnels/helpers";
import { createWorld, type World } from "./harness";
import { echoTransfer } from "./traffic";

describe("endpoints from the config file only", () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld();
    // Take the emulator out of the environment; the profile's [services] section is the only way to it.
    for (const key of Object.keys(w.env)) if (key.startsWith("AWS_ENDPOINT_URL")) delete w.env[key];
    const e = w.emu.endpoints;
    const services = ["[services emulated]"];
    const blocks: [string, string][] = [
      ["sso_oidc", e.ssoOidc],
      ["sso", e.sso],
      ["ssm", e.ssm],
      ["ec2", e.ec2],
      ["sts", e.sts],
    ];
    for (const [key, url] of blocks) services.push(`${key} =`, `  endpoint_url = ${url}`);
    const text = readFileSync(w.env.AWS_CONFIG_FILE, "utf8").replace(
      "[profile dev]\n",
      "[profile dev]\nservices = emulated\n",
    );
    const chained = [
      "[profile app-prod]",
      "role_arn = arn:aws:iam::444455556666:role/TunnelOperator",
      "source_profile = dev",
      "services = emulated",
    ];
    writeFileSync(w.env.AWS_CONFIG_FILE, `${text}\n${services.join("\n")}\n\n${chained.join("\n")}\n`);
    await w.seedToken();
  });
  afterAll(() => w?.close());

  test("the detached worker signs in, connects and refreshes through the configured endpoints", async () => {
    const def = await w.define();
    await w.start(def);
    const state = await w.waitStatus(def.id, "connected", 30_000);
    const served = (service: string, op: string) =>
      w.emu.log.filter((l) => l.service === service && l.operation === op && l.status < 400).length;
    expect(served("sso", "GetRoleCredentials")).toBeGreaterThanOrEqual(1);
    expect(w.emu.ssm.sessions.get(state.sessionId!)?.status).not.toBe("Terminated");
    const r = await echoTransfer(def.localPort, 256 * 1024);
    expect(r.receivedHash).toBe(r.sentHash);

    // Bring the token into the refresh window: the worker's own check refreshes it through the configured OIDC.
    const file = await w.tokenFile();
    const token = JSON.parse(readFileSync(file, "utf8"));
    token.expiresAt = new Date(Date.now() + 2 * 60_000).toISOString();
    writeFileSync(file, JSON.stringify(token));
    await waitFor(() => w.emu.oidc.createTokenCalls.refresh_token > 0, 15_000);
    expect(w.emu.oidc.createTokenCalls.refresh_token).toBe(1);
    expect(readState(w.env, def.id)?.status).toBe("connected");
  }, 60_000);

  test("a role-chained profile reaches STS through its [services] section too", async () => {
    const def = await w.define({ profile: "app-prod" });
    await w.start(def);
    const state = await w.waitStatus(def.id, "connected", 30_000);
    expect(w.emu.sts.assumed.map((a) => a.roleArn)).toContain("arn:aws:iam::444455556666:role/TunnelOperator");
    expect(w.emu.ssm.sessions.get(state.sessionId!)).toMatchObject({ accountId: "444455556666" });
  }, 60_000);
});
