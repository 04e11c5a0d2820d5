// The AWS calls a tunnel worker makes, behind one interface: StartSession / ResumeSession / TerminateSession with the
// tunnel's role credentials, and the SSO token refresh. `directAwsCalls` makes them in this process; the worker itself
// uses the helper process (helper-client.ts), so its own memory never holds the AWS SDK.
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { SsoSessionGroup } from "../../../aws";
import { ssmClient } from "../../../aws/ssm-client";
import type { AwsEndpoints } from "../../../aws/types";
import {
  resumeSession,
  startPortForwardingSession,
  terminateSession,
  type StartedSessionCredentials,
  type StartPortForwardingInput,
} from "../../../ssm/session-api";
import { ProfileCredentials, type CredentialChain } from "../../../sso/profile-credentials";
import type { LoginProgress } from "../../../sso/login";
import { createTokenWithSdk, type RefreshTokenResult } from "../../../sso/refresh-runner";
import { readToken, type CachedToken } from "../../../sso/token-cache";
import { AuthRequiredError } from "../tunnel-auth";

/** Where SSM calls go and as whom: the profile's role (through its chain), with the token on disk at call time. */
export interface SsmTarget {
  chain: CredentialChain;
  tokenCacheFile: string;
  region: string;
  endpoints: AwsEndpoints;
}

/** `signal` aborts a call under way (the worker is stopping): it rejects with an AbortError. */
export interface AwsCalls {
  startSession(
    target: SsmTarget,
    input: StartPortForwardingInput,
    signal?: AbortSignal,
  ): Promise<StartedSessionCredentials>;
  /** The new TokenValue, or undefined when the session is gone. */
  resumeSession(target: SsmTarget, sessionId: string, signal?: AbortSignal): Promise<string | undefined>;
  terminateSession(target: SsmTarget, sessionId: string): Promise<void>;
  /** CreateToken(refresh_token) for the SSO session. */
  refreshToken(group: SsoSessionGroup, token: CachedToken, endpoints: AwsEndpoints): Promise<RefreshTokenResult>;
  /**
   * The browser (or device-code) sign-in for the SSO session; the token lands in the cache file. Progress (the URL
   * and code to show) is reported as it comes.
   */
  login(
    group: SsoSessionGroup,
    options: { method: "pkce" | "device-code"; endpoints: AwsEndpoints },
    onProgress: (p: LoginProgress) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /** A call is coming soon (the worker is stopping): get ready for it now. */
  warm(): void;
  /** Releases what the calls hold (the helper process) once the calls under way are done. */
  close(): void;
}

/** SSM's answers for role credentials it no longer takes. */
const STALE_CREDENTIALS = new Set(["ExpiredTokenException", "UnrecognizedClientException"]);

/** Credentials per tunnel role, kept while this process lives (each link until 5 minutes before it expires). */
const credentials = new Map<string, ProfileCredentials>();

function credentialsFor(target: SsmTarget): ProfileCredentials {
  const key = JSON.stringify([target.chain, target.tokenCacheFile, target.endpoints]);
  let creds = credentials.get(key);
  if (!creds) {
    creds = new ProfileCredentials(target.chain, {
      accessToken: async () => {
        const read = await readToken(target.tokenCacheFile);
        if (read.state !== "ok") throw new AuthRequiredError("not signed in");
        return read.token.accessToken;
      },
      endpoints: target.endpoints,
    });
    credentials.set(key, creds);
  }
  return creds;
}

/** A fresh SDK client per call, so credentials always come from the token on disk now (a re-login is picked up). */
async function withSsm<T>(target: SsmTarget, fn: (client: SSMClient) => Promise<T>): Promise<T> {
  const creds = credentialsFor(target);
  const once = async () => {
    const client = ssmClient(target.region, () => creds.get(), target.endpoints);
    try {
      return await fn(client);
    } finally {
      client.destroy();
    }
  };
  try {
    return await once();
  } catch (err) {
    if (!STALE_CREDENTIALS.has((err as { name?: string })?.name ?? "")) throw err;
    // Refused as expired or unknown although they looked valid here (clock skew, a revoked role session): the
    // role credentials are renewed once, so a tunnel outlives its credentials without a sign-in.
    creds.invalidate();
    return once();
  }
}

export const directAwsCalls: AwsCalls = {
  startSession: (target, input, signal) =>
    withSsm(target, (c) => startPortForwardingSession(c, input, { abortSignal: signal })),
  resumeSession: (target, sessionId, signal) =>
    withSsm(target, (c) => resumeSession(c, sessionId, { abortSignal: signal })),
  terminateSession: (target, sessionId) => withSsm(target, (c) => terminateSession(c, sessionId)),
  refreshToken: (group, token, endpoints) => createTokenWithSdk({ env: {}, endpoints }, group, token),
  login: async (group, options, onProgress, signal) => {
    const { login } = await import("../../../sso/login");
    await login(group, { env: process.env, ...options, onProgress, signal });
  },
  warm: () => undefined,
  close: () => undefined,
};
