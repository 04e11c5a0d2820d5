// `stormtunnel profiles [--json]`: every profile with its kind, SSO session, token state, expiry and whether a tunnel
// can use it now. Reads files only (no network), so it is instant.
import { loadAwsConfig, type ConfigProblem, type Profile } from "../../lib/aws";
import { settingsFromEnv } from "../../lib/settings";
import { tokenStatusForProfiles, type ProfileTokenStatus } from "../../lib/sso/session-status";
import type { CliCommand } from "../io";
import { isoTime } from "../../lib/iso-time";

export const profilesCommand: CliCommand = async (args, io) => {
  const unknown = args.filter((a) => a !== "--json");
  if (unknown.length) {
    io.stderr(`usage: stormtunnel profiles [--json]`);
    return 2;
  }
  const settings = settingsFromEnv(io.env);
  const config = await loadAwsConfig({ env: io.env, override: settings.awsConfigFile });
  const now = Date.now();
  const statuses = await tokenStatusForProfiles(config, io.env, now, settings);
  const kinds = new Map(config.profiles.map((p) => [p.name, kindOf(p)]));
  // Every problem, warnings too (a BOM breaks the AWS CLI while we still read the file): on stderr, so the table and
  // the JSON on stdout stay parseable.
  for (const p of config.problems) io.stderr(describeProblem(p, config.path));
  if (args.includes("--json")) {
    io.stdout(
      JSON.stringify(
        statuses.map((s) => toJson(s, kinds.get(s.profile)!)),
        null,
        2,
      ),
    );
    return 0;
  }
  if (statuses.length === 0) {
    io.stderr(`No profiles in ${config.path}.`);
    return config.exists ? 0 : 1;
  }
  const rows = statuses.map((s) => [
    s.profile,
    kinds.get(s.profile)!,
    s.session ?? "-",
    s.state ?? "-",
    s.expiresAt !== undefined ? describeExpiry(s.expiresAt, now) : "-",
    s.silentRefresh ? REFRESH_LABEL[s.silentRefresh] : "-",
    s.tunnelUsable ? "yes" : "no",
    s.silentRefresh === "sign-in-to-enable"
      ? `${s.reason ?? ""}${s.reason ? " " : ""}(stormtunnel login ${s.profile})`
      : (s.reason ?? ""),
  ]);
  for (const line of table(["PROFILE", "KIND", "SESSION", "TOKEN", "EXPIRES", "REFRESH", "TUNNEL", "NOTE"], rows))
    io.stdout(line);
  return 0;
};

/** "warning: ~/.aws/config line 3 [profile dev] region: … Fix: …", like a compiler's diagnostics. */
export function describeProblem(p: ConfigProblem, path: string): string {
  const where = [path + (p.line ? ` line ${p.line}` : ""), p.section && `[${p.section}]`, p.key].filter(Boolean);
  return `${p.severity}: ${where.join(" ")}: ${p.message} Fix: ${p.fix}`;
}

const REFRESH_LABEL = { automatic: "auto", "sign-in-to-enable": "sign in", unavailable: "no" } as const;

/** sso-session, legacy-sso, role-chained or other. */
function kindOf(p: Profile): string {
  if (p.kind === "sso") return p.style === "sso-session" ? "sso-session" : "legacy-sso";
  return p.kind;
}

function toJson(s: ProfileTokenStatus, kind: string) {
  return {
    profile: s.profile,
    kind,
    session: s.session,
    state: s.state,
    reason: s.reason,
    expiresAt: s.expiresAt === undefined ? undefined : isoTime(s.expiresAt),
    idpSessionEnd: s.idpSessionEnd === undefined ? undefined : isoTime(s.idpSessionEnd),
    silentRefresh: s.silentRefresh,
    tunnelUsable: s.tunnelUsable,
  };
}

/** "2026-01-02T03:04:05Z (in 42 min)" / "(3 h ago)" / "(less than a minute ago)": past or future by the clock, not by rounding. */
export function describeExpiry(expiresAt: number, now: number): string {
  const left = expiresAt - now;
  const abs = Math.abs(left);
  const span =
    abs < 60_000
      ? "less than a minute"
      : abs < 90 * 60_000
        ? `${Math.round(abs / 60_000)} min`
        : `${Math.round(abs / 3_600_000)} h`;
  const iso = isoTime(expiresAt).replace(/\.\d{3}Z$/, "Z");
  return `${iso} (${left > 0 ? `in ${span}` : `${span} ago`})`;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
