// The worker and a token that is not usable right now (issue 9 items 7, 8): a refresh that only has to wait (the
// one-a-minute spacing, an IAM Identity Center outage) is waited out — no browser, no sign-in badge, the reason in
// the status — and a token another process writes is taken at once, even in the middle of a sign-in.
import { readFileSync, writeFileSync } from "node:fs";
import { connectCommand } from "../../src/cli/commands/connect";
import { groupFor, loadAwsConfig } from "../../src/lib/aws";
import { loginProgressFile } from "../../src/lib/sso/login/state";
import { SessionStatusStore } from "../../src/lib/sso/session-status";
import { logPath, readState, type TunnelState } from "../../src/lib/tunnels/state";
import { waitFor } from "../tunnels/helpers";
import { createWorld, type World } from "./harness";

const MIN = 60_000;

describe("waiting for a token without a browser or a badge", () => {
  let w: World;
  beforeEach(async () => {
    // BROWSER=true: a "browser" that opens nothing. Device code, so a sign-in shows as StartDeviceAuthorization.
    w = await createWorld({}, { STORMTUNNEL_LOGIN_METHOD: "device-code", BROWSER: "true" });
  });
  afterEach(() => w?.close());

  const calls = (operation: string) => w.emu.log.filter((e) => e.operation === operation).length;
  const workerLog = (id: string) => readFileSync(logPath(w.env, id), "utf8");

  /** A login's token whose expiresAt has passed (the refresh token still works). */
  async function expiredToken(): Promise<void> {
    await w.seedToken();
    const file = await w.tokenFile();
    const token = JSON.parse(readFileSync(file, "utf8"));
    token.expiresAt = new Date(Date.now() - 2 * MIN).toISOString();
    writeFileSync(file, JSON.stringify(token));
  }

  /** What sso-status.json says after another process's refresh attempt `agoMs` ago. */
  async function attemptedAgo(agoMs: number, failed?: { failures: number; message: string }): Promise<void> {
    const at = Date.now() - agoMs;
    await new SessionStatusStore(w.env).update("corp", () => ({
      failures: failed?.failures ?? 0,
      lastAttemptAt: at,
      lastSuccessAt: failed ? at - 60 * MIN : at,
      ...(failed
        ? {
            nextAttemptAt: at + 15 * MIN, // the old 15-minute backoff
            lastError: { kind: "transient", message: failed.message, at },
          }
        : {}),
    }));
  }

  function waitState(id: string, pred: (s: TunnelState) => boolean, timeoutMs = 20_000): Promise<TunnelState> {
    return waitFor(() => {
      const s = readState(w.env, id);
      return s && pred(s) ? s : undefined;
    }, timeoutMs);
  }

  test("expired token, a refresh tried 50 s ago: connect waits out the spacing and refreshes, no browser", async () => {
    await expiredToken();
    await attemptedAgo(50_000);
    const def = await w.define();
    // `stormtunnel connect`, as a user runs it: it says what it waits for, then connects.
    const out: string[] = [];
    const io = { env: w.env, stdout: (l: string) => out.push(l), stderr: (l: string) => out.push(l) };
    expect(await connectCommand([def.name], { ...io, signal: new AbortController().signal })).toBe(0);
    w.pids.add(readState(w.env, def.id)!.pid!);
    expect(out).toContainEqual(
      expect.stringMatching(/^Opening the Session Manager session… \(.*refreshing the SSO token again in \d+ s\)$/),
    );
    expect(out.at(-1)).toMatch(/^Connected: /);
    expect(out.join("\n")).not.toMatch(/Sign-in page|Signing in/);
    const state = await w.waitStatus(def.id, "connected", 30_000);
    expect(state.login).toBeUndefined();
    expect(w.emu.oidc.createTokenCalls.refresh_token).toBe(1);
    expect(calls("StartDeviceAuthorization") + calls("RegisterClient")).toBe(0);
    expect(workerLog(def.id)).not.toMatch(/sign-in/);
  }, 60_000);

  test("a failing refresh recorded with a 15-minute backoff: retried a minute after it, shown as connecting", async () => {
    await expiredToken();
    const message = "IAM Identity Center is temporarily unavailable (InternalServerException). Retrying.";
    await attemptedAgo(55_000, { failures: 6, message });
    const def = await w.define();
    await w.start(def);
    const waiting = await waitState(def.id, (s) => s.status === "connecting" && !!s.lastError);
    expect(waiting.lastError).toMatch(
      /^IAM Identity Center is temporarily unavailable \(InternalServerException\); refreshing the SSO token again in [1-5] s$/,
    );
    await w.waitStatus(def.id, "connected", 30_000);
    expect(w.emu.oidc.createTokenCalls.refresh_token).toBe(1);
    expect(workerLog(def.id)).not.toMatch(/sign-in|auth-required/);
  }, 60_000);

  test("while waiting out the spacing, a token another process writes is taken at once", async () => {
    await expiredToken();
    await attemptedAgo(5_000); // 55 s to wait
    const def = await w.define();
    await w.start(def);
    await waitState(def.id, (s) => s.status === "connecting" && /again in/.test(s.lastError ?? ""));
    const since = Date.now();
    await w.seedToken(); // e.g. `aws sso login`, or the Refresh Tokens command
    await w.waitStatus(def.id, "connected", 30_000);
    expect(Date.now() - since).toBeLessThan(20_000);
    expect(w.emu.oidc.createTokenCalls.refresh_token).toBe(0);
  }, 60_000);

  test("a worker in `authenticating` adopts a token another process writes and calls its sign-in off", async () => {
    const def = await w.define();
    await w.start(def);
    await waitState(def.id, (s) => s.status === "authenticating" && !!s.login?.userCode);
    await w.seedToken(); // signed in elsewhere; the device code is never approved
    const state = await w.waitStatus(def.id, "connected", 30_000);
    expect(state.login).toBeUndefined();
    expect(calls("StartDeviceAuthorization")).toBe(1);
    const group = groupFor(await loadAwsConfig({ env: w.env }), "dev")!;
    const progress = () => JSON.parse(readFileSync(loginProgressFile(w.env, group), "utf8")) as { status: string };
    await waitFor(() => progress().status === "cancelled", 10_000);
    expect(workerLog(def.id)).toContain("another process wrote a usable SSO token; sign-in called off");
  }, 60_000);

  test("an outage while the token expires under a live tunnel: no badge, and back within a minute of recovery", async () => {
    await w.seedToken();
    const def = await w.define();
    await w.start(def);
    const { sessionId } = await w.waitStatus(def.id, "connected");
    w.emu.addFault({ service: "sso-oidc", operation: "CreateToken", status: 500, times: Infinity });
    await expiredToken(); // the refresh is due now, and fails
    const noted = await waitState(def.id, (s) => /temporarily unavailable/.test(s.lastError ?? ""));
    expect(noted.status).toBe("connected"); // the open session keeps working
    // Session Manager drops the socket: resuming needs fresh credentials, so the worker waits for the refresh.
    w.emu.dataChannel.closeSocket({ sessionId: sessionId!, abrupt: true });
    const resuming = await waitState(def.id, (s) => s.status === "reconnecting" && /again in/.test(s.lastError ?? ""));
    expect(resuming.lastError).toMatch(/temporarily unavailable/);
    w.emu.clearFaults();
    const recovered = Date.now();
    await w.waitStatus(def.id, "connected", 75_000);
    expect(Date.now() - recovered).toBeLessThan(70_000);
    // Every path to the badge logs one of these lines (auth-watch.ts, sign-in.ts): none may have run, even briefly.
    expect(workerLog(def.id)).not.toMatch(
      /SSO token no longer usable|resume waits for a sign-in|waiting for a new sign-in|Sign-in needed/,
    );
    expect(readState(w.env, def.id)?.status).toBe("connected");
  }, 120_000);
});
