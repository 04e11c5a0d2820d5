// Which profiles the Authenticate view lists, grouped by SSO session (one sign-in covers the whole group).
import type { AwsConfig, SsoSessionGroup } from "../../lib/aws";
import type { ProfileTokenStatus } from "../../lib/sso/session-status";
import { profileDetail } from "../profile-detail";
import { countdown } from "../profile-status";

export interface ProfileRow {
  profile: string;
  detail?: string;
  status?: ProfileTokenStatus;
}

export interface SessionSection {
  group: SsoSessionGroup;
  /** sso-session name, or the start URL of legacy profiles. */
  title: string;
  startUrl: string;
  /** Keys the session's token and its login progress file. */
  tokenCacheKey: string;
  rows: ProfileRow[];
}

export function profileSections(config: AwsConfig, statuses: readonly ProfileTokenStatus[]): SessionSection[] {
  const byName = new Map(config.profiles.map((p) => [p.name, p]));
  const statusOf = new Map(statuses.map((s) => [s.profile, s]));
  return config.groups.map((group) => ({
    group,
    title: group.sessionName ?? group.startUrl,
    startUrl: group.startUrl,
    tokenCacheKey: group.tokenCacheKey,
    rows: group.profiles.map((name) => {
      const p = byName.get(name);
      return { profile: name, detail: profileDetail(p), status: statusOf.get(name) };
    }),
  }));
}

const STATE_LABELS: Record<string, string> = {
  valid: "Signed In",
  expiring: "Refresh Due",
  refreshing: "Refreshing",
  "auth-required": "Sign-In Needed",
  expired: "Expired",
  "signed-out": "Signed Out",
};

export function stateLabel(status?: ProfileTokenStatus): string {
  return (status?.state && STATE_LABELS[status.state]) || "Unknown";
}

/** "sign in again in 6 h", "renews automatically", "42 min left"; nothing when not signed in. */
export function timeLeft(status: ProfileTokenStatus | undefined, now: number): string | undefined {
  if (!status?.state || status.state === "signed-out" || status.expiresAt === undefined) return undefined;
  if (status.state === "expired") return "expired";
  if (status.state === "auth-required")
    return status.expiresAt > now ? countdown({ ...status, refreshable: false, signInBy: undefined }, now) : "expired";
  return countdown(status, now);
}

/** Why a token renews by itself or not, for a tooltip. */
export function renewalNote(status: ProfileTokenStatus | undefined): string | undefined {
  if (status?.refreshable === undefined) return undefined;
  return status.refreshable
    ? "Renews silently before it expires"
    : `Does not renew silently: ${status.notRefreshableReason ?? "no refresh token"}`;
}
