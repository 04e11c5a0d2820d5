// Device authorization grant (§5.1): one immediate CreateToken, then show the code and poll at `interval`
// (+5 s on slow_down) until approved, denied or expired.
import type { CachedToken } from "../token-cache";
import { describeError, type FlowContext } from "./flow-context";
import { accessDenied, cancelled, loginCallFailed, loginExpired, startUrlRejected } from "./errors";
import {
  createTokenWithDeviceCode,
  oidcEndpoint,
  startDeviceAuthorization,
  type DeviceAuthorization,
  type NewTokens,
} from "../oidc";
import { classifySsoError } from "../errors";

const DEFAULT_INTERVAL_S = 5;
const SLOW_DOWN_S = 5;

type Poll = { done: NewTokens } | { pending: true } | { slowDown: true };

export async function deviceCodeLogin(ctx: FlowContext): Promise<CachedToken> {
  const { group, registration: reg, signal } = ctx;
  const deps = { endpoints: ctx.endpoints, signal, now: ctx.now };
  const endpoint = await oidcEndpoint(group.ssoRegion, ctx.endpoints);

  let auth: DeviceAuthorization;
  try {
    auth = await startDeviceAuthorization(group, reg, deps);
  } catch (err) {
    const e = loginCallFailed(group, err, endpoint);
    throw e.code === "InvalidRequestException" ? startUrlRejected(group, e) : e;
  }
  let intervalMs = (auth.interval && auth.interval > 0 ? auth.interval : DEFAULT_INTERVAL_S) * 1000;
  const deadline = ctx.now() + Math.min(auth.expiresIn * 1000, ctx.timeoutMs);
  const minutes = Math.max(1, Math.round(Math.min(auth.expiresIn * 1000, ctx.timeoutMs) / 60_000));

  async function poll(): Promise<Poll> {
    try {
      return { done: await createTokenWithDeviceCode(group, reg, auth.deviceCode, deps) };
    } catch (err) {
      if (signal.aborted) throw cancelled();
      const name = (err as { name?: string }).name;
      if (name === "AuthorizationPendingException") return { pending: true };
      if (name === "SlowDownException") return { slowDown: true };
      if (name === "ExpiredTokenException") throw loginExpired(minutes);
      if (name === "AccessDeniedException") throw accessDenied();
      const e = classifySsoError(err);
      // Transient trouble while the user is still approving: keep polling until the code expires.
      if (e.kind === "transient") return { pending: true };
      throw loginCallFailed(group, err, endpoint);
    }
  }

  // Covers "already authorized" before anything is shown (the CLI does the same).
  let result = await poll();
  if ("done" in result) return ctx.persist(result.done);
  if ("slowDown" in result) intervalMs += SLOW_DOWN_S * 1000;

  await ctx.report({
    status: "waiting-for-device-code",
    userCode: auth.userCode,
    verificationUri: auth.verificationUri,
    verificationUriComplete: auth.verificationUriComplete,
  });
  if (ctx.openBrowser) {
    try {
      await ctx.openBrowser(auth.verificationUriComplete ?? auth.verificationUri);
    } catch (err) {
      await ctx.report({
        browserError: `Could not open a browser (${describeError(err)}). Go to ${auth.verificationUri} and enter the code ${auth.userCode}.`,
      });
    }
  }

  for (;;) {
    if (ctx.now() >= deadline) throw loginExpired(minutes);
    await ctx.sleep(intervalMs, signal);
    if (signal.aborted) throw cancelled();
    result = await poll();
    if ("done" in result) return ctx.persist(result.done);
    if ("slowDown" in result) intervalMs += SLOW_DOWN_S * 1000;
  }
}
