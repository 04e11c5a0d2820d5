// One login, run by the process that holds the session's login lock: registration (reused from the CLI's
// cache when allowed), the chosen flow, the token written to the shared cache, progress published throughout.
import type { SsoSessionGroup } from "../../aws";
import type { AwsEndpoints } from "../../aws/types";
import type { Env } from "../../home";
import type { OpenBrowser } from "./browser";
import { deviceCodeLogin } from "./device-flow";
import { classifySsoError, SsoError } from "../errors";
import type { FlowContext } from "./flow-context";
import { probeWritable } from "../../atomic-file";
import { withFileLock } from "../../lock";
import { cancelled, clientRefused } from "./errors";
import { isTerminal, writeLoginProgress, type LoginProgress } from "./state";
import type { NewTokens } from "../oidc";
import type { PkceRandom } from "./pkce";
import { pkceLogin } from "./pkce-flow";
import type { LoginFlow, StoredRegistration } from "../registration-cache";
import { chooseRegistration, isInvalidClient, replaceRegistration } from "./registration";
import { expiresAtFrom, readToken, tokenLockPath, writeToken, type CachedToken } from "../token-cache";
import { isoTime } from "../../iso-time";

export interface RunLoginOptions {
  env: Env;
  method: LoginFlow;
  openBrowser?: OpenBrowser;
  endpoints?: AwsEndpoints;
  signal: AbortSignal;
  now: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: PkceRandom;
  timeoutMs: number;
  publish: (p: LoginProgress) => void;
}

export async function runLogin(group: SsoSessionGroup, opts: RunLoginOptions): Promise<CachedToken> {
  // Progress is about wall-clock time (followers compare it with theirs), not the injectable token clock.
  const stamp = () => isoTime();
  let progress: LoginProgress = {
    status: "starting",
    pid: process.pid,
    sessionKey: group.tokenCacheKey,
    method: opts.method,
    startedAt: stamp(),
    updatedAt: stamp(),
  };
  const report = async (update: Partial<LoginProgress>) => {
    // A late note (e.g. the browser opener failing after the login ended) must not reopen a finished login.
    if (isTerminal(progress.status)) return;
    progress = { ...progress, ...update, updatedAt: stamp() };
    await writeLoginProgress(opts.env, group, progress);
    opts.publish(progress);
  };
  try {
    await report({});
    // Before anything is issued: a cache we cannot write would make the user sign in only to lose the token.
    await probeWritable(group.tokenCacheFile);
    const flow = (registration: StoredRegistration): Promise<CachedToken> => {
      const ctx: FlowContext = {
        group,
        registration,
        endpoints: opts.endpoints,
        signal: opts.signal,
        now: opts.now,
        sleep: opts.sleep,
        random: opts.random,
        openBrowser: opts.openBrowser,
        timeoutMs: opts.timeoutMs,
        report,
        persist: (tokens) => persistToken(group, registration, tokens, opts.now),
      };
      return opts.method === "pkce" ? pkceLogin(ctx) : deviceCodeLogin(ctx);
    };
    const chosen = await chooseRegistration(group, opts);
    let token: CachedToken;
    try {
      token = await flow(chosen.registration);
    } catch (err) {
      if (opts.signal.aborted || !isInvalidClient(err)) throw err;
      if (!chosen.fromCache) throw clientRefused(group, classifySsoError(err));
      // Revoked or unknown to Identity Center: a new registration, once, without bothering the user.
      try {
        token = await flow((await replaceRegistration(group, opts, chosen)).registration);
      } catch (again) {
        throw isInvalidClient(again) ? clientRefused(group, classifySsoError(again)) : again;
      }
    }
    await report({ status: "succeeded", error: undefined, errorKind: undefined, browserError: undefined });
    return token;
  } catch (err) {
    const e = opts.signal.aborted ? cancelled() : classifySsoError(err);
    await report(
      e.kind === "cancelled"
        ? { status: "cancelled", error: e.message, errorKind: e.kind, browserError: undefined }
        : { status: "failed", error: e.message, errorKind: e.kind, browserError: undefined },
    ).catch(() => undefined);
    throw e;
  }
}

/** The §4.2 fields, under the token lock the refresh runner also takes, merged over whatever is there. */
async function persistToken(
  group: SsoSessionGroup,
  reg: StoredRegistration,
  tokens: NewTokens,
  now: () => number,
): Promise<CachedToken> {
  const token: CachedToken = {
    startUrl: group.startUrl,
    region: group.ssoRegion,
    accessToken: tokens.accessToken,
    expiresAt: expiresAtFrom(now(), tokens.expiresIn),
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    registrationExpiresAt: reg.expiresAt,
    refreshToken: tokens.refreshToken,
  };
  await withFileLock(tokenLockPath(group.tokenCacheFile), () => writeToken(group.tokenCacheFile, token));
  const read = await readToken(group.tokenCacheFile);
  if (read.state !== "ok")
    throw new SsoError("config", `The token was written but cannot be read back (${read.state}).`);
  return read.token;
}
