// What a login flow (device code or PKCE) gets from the login orchestrator.
import type { SsoSessionGroup } from "../../aws";
import type { AwsEndpoints } from "../../aws/types";
import type { OpenBrowser } from "./browser";
import type { LoginProgress } from "./state";
import type { NewTokens } from "../oidc";
import type { PkceRandom } from "./pkce";
import type { StoredRegistration } from "../registration-cache";
import type { CachedToken } from "../token-cache";

export interface FlowContext {
  group: SsoSessionGroup;
  registration: StoredRegistration;
  endpoints?: AwsEndpoints;
  signal: AbortSignal;
  now: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: PkceRandom;
  /** Undefined with --no-browser: the URL / code are only shown. */
  openBrowser?: OpenBrowser;
  timeoutMs: number;
  /** Publishes a progress change (progress file + onProgress). */
  report(update: Partial<LoginProgress>): Promise<void>;
  /** Writes the token cache file; the flow calls it before telling the browser "done". */
  persist(tokens: NewTokens): Promise<CachedToken>;
}

export function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e?.code ?? e?.message ?? String(err);
}
