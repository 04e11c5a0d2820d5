// `stormtunnel refresh [--all|<profile>] [--force] [--json]`: check SSO sessions now and refresh those that are due
// (--force: refresh even if not due). Exit 0 when every checked session has a usable token, 1 otherwise, 2 on usage.
import { groupFor, findProfile, loadAwsConfig, type SsoSessionGroup } from "../../lib/aws";
import { settingsFromEnv } from "../../lib/settings";
import { needsSignIn } from "../../lib/sso/needs-sign-in";
import { RefreshRunner, type SessionCheck } from "../../lib/sso/refresh-runner";
import type { CliCommand } from "../io";
import { shellQuote } from "../shell-quote";
import { describeExpiry } from "./profiles";
import { isoTime } from "../../lib/iso-time";

const USAGE = "usage: stormtunnel refresh [--all|<profile>] [--force] [--json]";

export const refreshCommand: CliCommand = async (args, io) => {
  const flags = new Set(args.filter((a) => a.startsWith("--")));
  const names = args.filter((a) => !a.startsWith("--"));
  const unknown = [...flags].filter((f) => !["--all", "--force", "--json"].includes(f));
  if (unknown.length || names.length > 1 || (names.length && flags.has("--all"))) {
    io.stderr(unknown.length ? `Unknown option ${unknown[0]}. ${USAGE}` : USAGE);
    return 2;
  }
  const settings = settingsFromEnv(io.env);
  const config = await loadAwsConfig({ env: io.env, override: settings.awsConfigFile });
  let groups: SsoSessionGroup[] = config.groups;
  if (names.length) {
    const profile = findProfile(config, names[0]);
    const group = groupFor(config, names[0]);
    if (!profile || !group) {
      io.stderr(
        !profile
          ? `No profile named "${names[0]}" in ${config.path}. See: stormtunnel profiles`
          : `Profile "${names[0]}" does not sign in with IAM Identity Center (SSO): ${profile.reason ?? "nothing to refresh"}.`,
      );
      return 2;
    }
    groups = [group];
  }
  if (groups.length === 0) {
    io.stderr(config.problems[0]?.message ?? `No SSO profiles in ${config.path}.`);
    return 1;
  }
  // Asking explicitly counts as consent even when background auto-refresh is off.
  const runner = new RefreshRunner({ env: io.env, settings: { ...settings, autoRefresh: true } });
  const force = flags.has("--force");
  const checks = await Promise.all(groups.map((g) => runner.ensureFresh(g, { force })));
  if (flags.has("--json")) io.stdout(JSON.stringify(checks.map(toJson), null, 2));
  else for (const c of checks) io.stdout(describe(c, Date.now()));
  return checks.every((c) => c.tunnelUsable && c.state !== "auth-required") ? 0 : 1;
};

function describe(c: SessionCheck, now: number): string {
  const name = c.group.sessionName ?? c.group.startUrl;
  const outcome = c.refreshed ? "refreshed" : c.adopted ? "picked up a token written by another process" : undefined;
  const parts = [
    `${name} (${c.group.profiles.join(", ") || "no profiles"}): ${c.state}`,
    c.expiresAt !== undefined ? describeExpiry(c.expiresAt, now) : undefined,
    outcome,
    c.reason,
    c.idpSessionEnd !== undefined ? `sign-in session ends ${isoTime(c.idpSessionEnd)}` : undefined,
    c.retryAt !== undefined ? `next try ${isoTime(c.retryAt)}` : undefined,
  ];
  if (needsSignIn(c)) {
    parts.push(`sign in: stormtunnel login ${c.group.profiles[0] ? shellQuote(c.group.profiles[0]) : "<profile>"}`);
  }
  return parts.filter(Boolean).join(" — ");
}

function toJson(c: SessionCheck) {
  return {
    session: c.group.sessionName ?? c.group.startUrl,
    profiles: c.group.profiles,
    state: c.state,
    reason: c.reason,
    expiresAt: iso(c.expiresAt),
    idpSessionEnd: iso(c.idpSessionEnd),
    retryAt: iso(c.retryAt),
    refreshed: !!c.refreshed,
    adopted: !!c.adopted,
    tunnelUsable: c.tunnelUsable,
  };
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : isoTime(ms);
}
