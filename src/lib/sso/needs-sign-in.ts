// The one rule for "only you can fix this" — the menu-bar badge, the sign-in counts of Refresh Tokens and the CLI's
// advice all use it: a token that is missing, refused or expired, except an expired token that a silent refresh is
// still working on (an outage, throttling, a dead network), which comes back by itself.
import type { TokenState } from "./refresh-policy";

/** States in which the token cannot be used as it is. */
export const UNUSABLE_TOKEN_STATES: ReadonlySet<TokenState> = new Set<TokenState>([
  "auth-required",
  "expired",
  "signed-out",
]);

export function needsSignIn(token: { state?: TokenState; refreshPending?: boolean }): boolean {
  if (!token.state || !UNUSABLE_TOKEN_STATES.has(token.state)) return false;
  return !(token.state === "expired" && token.refreshPending);
}
