// What stands between a tunnel and a usable SSO token, and who can remove it. The user (sign in): that is what the
// `auth-required` badge means. Or time: the one-a-minute refresh spacing, an IAM Identity Center outage, throttling,
// the network — retried by the worker itself and shown as connecting/reconnecting with the reason, never the badge.
import type { SessionCheck } from "../../sso/refresh-runner";

export type TokenWait =
  | { who: "user"; reason: string }
  | {
      who: "service";
      reason: string;
      /** Next refresh attempt (epoch ms, the runner's clock), when known. */ retryAt?: number;
    };

/** Undefined when the token is usable. `rejected`: AWS refused the token although it looks valid. */
export function tokenWait(check: SessionCheck, rejected = false): TokenWait | undefined {
  if (rejected) return { who: "user", reason: "AWS rejected the SSO token; only a new sign-in helps" };
  if (check.tunnelUsable && check.token) return undefined;
  if (check.refreshPending && check.state !== "auth-required" && check.state !== "signed-out") {
    const reason =
      check.lastFailure ??
      (check.state === "refreshing"
        ? "another StormTunnel process is refreshing the SSO token"
        : `the SSO token has expired and is refreshed ${check.retryAt === undefined ? "now" : "as soon as allowed (one try a minute)"}`);
    return { who: "service", reason, ...(check.retryAt !== undefined ? { retryAt: check.retryAt } : {}) };
  }
  return {
    who: "user",
    reason: check.reason ?? (check.state === "signed-out" ? "not signed in" : "the SSO sign-in has expired"),
  };
}

/** The status line for a service wait: the cause, and when the worker tries again by itself. */
export function describeServiceWait(wait: Extract<TokenWait, { who: "service" }>, now: number): string {
  const cause = wait.reason.replace(/\s*Retrying( later)?\.?$/, "").replace(/\.$/, "");
  if (wait.retryAt === undefined) return `${cause}; refreshing the SSO token`;
  const seconds = Math.max(1, Math.round((wait.retryAt - now) / 1000));
  return `${cause}; refreshing the SSO token again in ${seconds} s`;
}
