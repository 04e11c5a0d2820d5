// A role-chained profile (sign in to the hub account, assume a role in the workload account) through the real worker
// bundle: the tunnel connects as the assumed role, outlives the role credentials' expiry, and follows the SSO token at
// the root of the chain (badge when it dies, reconnect by itself after a sign-in).
import { appendFileSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { TunnelDefinition } from "../../src/lib/tunnels/definition";
import { readState } from "../../src/lib/tunnels/state";
import { runTunnelWorker } from "../../src/lib/tunnels/worker";
import { createWorld, type World } from "./harness";
import { echoTransfer } from "./traffic";
import { waitFor } from "../tunnels/helpers";

const MB = 1024 * 1024;

describe("role-chained profile", () => {
  let w: World;
  let def: TunnelDefinition;
  let sessionId: string;

  beforeAll(async () => {
    w = await createWorld();
    appendFileSync(
      w.env.AWS_CONFIG_FILE,
      [
        "[profile app-prod]",
        "role_arn = arn:aws:iam::444455556666:role/TunnelOperator",
        "source_profile = dev",
        "role_session_name = stormtunnel-e2e",
        "duration_seconds = 900",
        "",
        "[profile with-mfa]",
        "role_arn = arn:aws:iam::444455556666:role/TunnelOperator",
        "source_profile = dev",
        "mfa_serial = arn:aws:iam::111122223333:mfa/alice",
        "",
        "[profile untrusted]",
        "role_arn = arn:aws:iam::777788889999:role/DeepOperator",
        "source_profile = dev",
        "",
      ].join("\n"),
    );
    await w.seedToken();
    def = await w.define({ profile: "app-prod" });
    await w.start(def);
    sessionId = (await w.waitStatus(def.id, "connected")).sessionId!;
  }, 60_000);
  afterAll(() => w?.close());

  test("connects as the assumed role, with the profile's session name and duration", async () => {
    expect(w.emu.ssm.sessions.get(sessionId)).toMatchObject({ accountId: "444455556666", roleName: "TunnelOperator" });
    expect(sessionId).toMatch(/^stormtunnel-e2e-/);
    expect(w.emu.sts.assumed).toEqual([
      expect.objectContaining({
        roleArn: "arn:aws:iam::444455556666:role/TunnelOperator",
        roleSessionName: "stormtunnel-e2e",
        durationSeconds: 900,
        region: "us-east-1",
      }),
    ]);
    const r = await echoTransfer(def.localPort, 256 * 1024);
    expect(r.receivedHash).toBe(r.sentHash);
  }, 30_000);

  test("survives the role credentials' expiry: a resume refused as expired renews them, same session, no byte lost", async () => {
    // A resume first, so the worker's AWS helper is up and holds the assumed role's credentials (it lets go after
    // 15 s idle, and a fresh helper would simply assume the role again: the refusal below would never happen).
    const resumed = () => w.emu.log.filter((e) => e.operation === "ResumeSession" && e.status === 200).length;
    const resumedBefore = resumed();
    w.emu.dataChannel.closeSocket({ sessionId, abrupt: true });
    await waitFor(() => resumed() > resumedBefore, 20_000);
    await w.waitStatus(def.id, "connected");
    // The assumed role's 15 minutes run out at AWS; the SSO token (1 hour) and its role credentials are still good.
    w.emu.clock.advance(16 * 60_000);
    const transfer = echoTransfer(def.localPort, 2 * MB);
    w.emu.dataChannel.closeSocketAfter(100, { sessionId, abrupt: true });
    const r = await transfer;
    expect(r.receivedHash).toBe(r.sentHash);
    const expired = w.emu.log.filter((e) => e.operation === "ResumeSession" && e.errorType === "ExpiredTokenException");
    expect(expired.length).toBeGreaterThanOrEqual(1);
    expect(w.emu.log.some((e) => e.operation === "ResumeSession" && e.status === 200)).toBe(true);
    expect(w.emu.sts.assumed.length).toBeGreaterThanOrEqual(2);
    expect(w.emu.sts.assumed.at(-1)!.expiration).toBeGreaterThan(w.emu.clock.now());
    const state = await w.waitStatus(def.id, "connected");
    expect(state.sessionId).toBe(sessionId);
  }, 60_000);

  test("follows the SSO token at the root: sign-in needed when it dies, reconnects by itself after a sign-in", async () => {
    const tokenFile = await w.tokenFile();
    w.emu.oidc.endIdpSessions();
    const token = JSON.parse(readFileSync(tokenFile, "utf8"));
    token.expiresAt = new Date(Date.now() - 60_000).toISOString();
    writeFileSync(`${tokenFile}.tmp`, JSON.stringify(token));
    renameSync(`${tokenFile}.tmp`, tokenFile);
    const waiting = await w.waitStatus(def.id, "auth-required");
    expect(waiting.lastError).toMatch(/Sign-in needed/);
    w.emu.dataChannel.closeSocket({ sessionId, abrupt: true });
    await w.seedToken(); // what a sign-in writes
    await w.waitStatus(def.id, "connected", 30_000);
    const r = await echoTransfer(def.localPort, 64 * 1024);
    expect(r.receivedHash).toBe(r.sentHash);
    expect(readState(w.env, def.id)?.status).toBe("connected");
  }, 60_000);

  test("a chain that needs an MFA code is refused up front, with the reason", async () => {
    const mfa = await w.define({ profile: "with-mfa" });
    const code = await runTunnelWorker({ env: w.env, id: mfa.id, signal: new AbortController().signal, log: () => {} });
    expect(code).toBe(1);
    expect(readState(w.env, mfa.id)).toMatchObject({
      status: "error",
      lastError: expect.stringContaining("profile with-mfa needs an MFA code (mfa_serial)"),
    });
  });

  test("a role that does not trust the hub role: an error that names the profile and role, no sign-in loop", async () => {
    const denied = await w.define({ profile: "untrusted" });
    await w.start(denied);
    const state = await w.waitStatus(denied.id, "error");
    expect(state.lastError).toContain(
      "STS refused to let profile untrusted assume arn:aws:iam::777788889999:role/DeepOperator",
    );
    expect(w.emu.log.some((e) => e.operation === "AssumeRole" && e.errorType === "AccessDenied")).toBe(true);
    expect(w.emu.oidc.createTokenCalls.authorization_code + w.emu.oidc.createTokenCalls.device_code).toBe(0);
  }, 30_000);
});
