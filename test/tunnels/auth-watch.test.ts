// A connected tunnel's token watch (issue 9 items 8, 14): the badge only for what the user must fix, said in one
// clean sentence; a refresh that keeps failing for a while is a note on a tunnel that stays connected.
import type { SsoSessionGroup } from "../../src/lib/aws";
import type { SessionCheck } from "../../src/lib/sso/refresh-runner";
import { AuthWatch } from "../../src/lib/tunnels/worker/auth-watch";
import { StateWriter } from "../../src/lib/tunnels/worker/state-writer";
import type { TunnelAuth } from "../../src/lib/tunnels/worker/tunnel-auth";
import { tempEnv, type TempEnv } from "./helpers";

const group = { tokenCacheKey: "corp" } as SsoSessionGroup;
const token = { accessToken: "aoa", expiresAt: "2026-01-02T02:59:00Z" };

let t: TempEnv;
let writer: StateWriter;
let checks: SessionCheck[];
let watch: AuthWatch;
const logged: string[] = [];

/** The watch's view of the sign-in: each tick's check comes from `checks`; waiting for a token never ends here. */
const auth = {
  check: async () => checks.shift()!,
  waitForToken: (signal: AbortSignal) =>
    new Promise<void>((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")))),
} as unknown as TunnelAuth;

beforeEach(() => {
  jest.useFakeTimers();
  t = tempEnv();
  writer = new StateWriter(t.env, "t-1", { name: "db" });
  writer.update({ status: "connected" });
  const signal = new AbortController().signal;
  watch = new AuthWatch({ auth, writer, log: (l) => logged.push(l), signal, intervalMs: 60_000 });
  watch.start();
});
afterEach(() => {
  watch.stop();
  writer.stop();
  jest.useRealTimers();
  t.cleanup();
});

async function tick(check: SessionCheck): Promise<void> {
  checks = [check];
  await jest.advanceTimersByTimeAsync(60_000);
}

test("a refusal only a sign-in fixes: the badge, in sentences without '..'", async () => {
  const reason =
    "Your SSO session is no longer valid (InvalidGrantException). Sign in again (Authenticate in StormTunnel, " +
    "`stormtunnel login <profile>` or `aws sso login`).";
  await tick({ group, state: "auth-required", token, reason, tunnelUsable: true, refreshPending: false });
  await tick({ group, state: "expired", token, reason, tunnelUsable: false, refreshPending: false });
  expect(writer.status).toBe("auth-required");
  expect(writer.current.lastError).toBe(
    `Sign-in needed: ${reason} The open session keeps working; it reconnects by itself after you sign in.`,
  );
  expect(writer.current.lastError).not.toContain("..");
});

test("an outage after expiry: still connected, with the cause and the next try, never the badge", async () => {
  const lastFailure = "IAM Identity Center is temporarily unavailable (InternalServerException). Retrying.";
  const retryAt = Date.now() + 42_000;
  await tick({
    group,
    state: "expired",
    token,
    reason: "waiting before retrying a failed refresh",
    retryAt,
    tunnelUsable: false,
    refreshPending: true,
    lastFailure,
  });
  expect(writer.status).toBe("connected");
  expect(writer.current.lastError).toMatch(
    /^IAM Identity Center is temporarily unavailable \(InternalServerException\); refreshing the SSO token again in \d+ s\. The open session keeps working\.$/,
  );
  expect(watch.needsSignIn).toBe(false);
});
