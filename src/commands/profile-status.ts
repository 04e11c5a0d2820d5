// How a profile's token reads in every view (menu, tunnel details, Authenticate Profile): signed in or not, and how
// long until a sign-in is really needed (the SSO session's end, not the hourly access token that renews by itself).
import { needsSignIn, UNUSABLE_TOKEN_STATES } from "../lib/sso/needs-sign-in";
import type { TokenState } from "../lib/sso/refresh-policy";

/** The fields of ProfileTokenStatus (src/lib/sso/session-status.ts) the views read. */
export interface ProfileTokenView {
  state?: TokenState;
  expiresAt?: number;
  tunnelUsable?: boolean;
  refreshable?: boolean;
  notRefreshableReason?: string;
  signInBy?: number;
  /** A silent refresh can still renew an expired token: no sign-in needed yet. */
  refreshPending?: boolean;
}

/** The badge means "only you can fix this": an expired token a refresh is still working on does not count. */
export function profileNeedsSignIn(p: ProfileTokenView): boolean {
  return needsSignIn(p);
}

/** Has a token a tunnel can use right now. */
export function profileSignedIn(p: ProfileTokenView): boolean {
  return !!p.state && !UNUSABLE_TOKEN_STATES.has(p.state) && p.tunnelUsable !== false;
}

/** "5 h", "42 min", "3 days", "less than a minute". */
export function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes <= 0) return "less than a minute";
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

/** What a signed-in profile's countdown says: time until a sign-in, or that it renews by itself. */
export function countdown(p: ProfileTokenView, now: number): string {
  if (p.signInBy !== undefined) return `sign in again in ${duration(p.signInBy - now)}`;
  if (p.refreshable) return p.state === "expiring" ? "renewing" : "renews automatically";
  if (p.expiresAt !== undefined) return `${duration(p.expiresAt - now)} left`;
  return "signed in";
}
