// Resolves a profile with SSO settings (sso-session style or legacy) and checks it with the AWS CLI's wording.
import { tokenCacheFile } from "./cache-keys";
import { REFRESH_SCOPE, type ResolvedSession } from "./sessions";
import type { ConfigProblem, SsoProfile } from "./types";
import { isHttps, pyList, type Values } from "./values";

export const SSO_KEYS = ["sso_session", "sso_start_url", "sso_region", "sso_account_id", "sso_role_name"];

export function isSsoProfile(values: Values): boolean {
  return SSO_KEYS.some((k) => values.has(k));
}

interface Ctx {
  name: string;
  section: string;
  values: Values;
  sessions: Map<string, ResolvedSession>;
  homeDir: string;
}

/** What either style resolves to, before the common fields are derived. */
interface SsoSettings {
  startUrl: string;
  ssoRegion: string;
  registrationScopes: string[] | null;
  /** Start URL, region and session are sound enough to log in. */
  loginOk: boolean;
}

type Report = (message: string, fix: string, key?: string) => void;

const HTTPS_MESSAGE = "The sso_start_url must use the https scheme.";
const httpsFix = (section: string) =>
  `Use the https:// portal URL, e.g. https://d-xxxxxxxxxx.awsapps.com/start, in [${section}].`;

export function resolveSsoProfile(ctx: Ctx): SsoProfile {
  const { name, section, values, homeDir } = ctx;
  const problems: ConfigProblem[] = [];
  const report: Report = (message, fix, key) =>
    problems.push({ section, key, profile: name, severity: "error", message, fix });
  const bearerOnly = !values.has("sso_account_id") && !values.has("sso_role_name");
  const sessionName = values.get("sso_session");
  const settings =
    sessionName !== undefined ? sessionStyle(ctx, sessionName, bearerOnly, report) : legacyStyle(ctx, report);
  if (sessionName === undefined) {
    problems.push({
      section,
      profile: name,
      severity: "warning",
      message: `Profile ${name} uses the legacy SSO configuration: StormTunnel refreshes the tokens it signs in, but a token from \`aws sso login\` for it has no refresh token and runs out (the AWS CLI signs legacy profiles in without one).`,
      fix: `Sign in with StormTunnel, or move sso_start_url and sso_region into an [sso-session NAME] section with sso_registration_scopes = ${REFRESH_SCOPE} and set sso_session = NAME here (aws configure sso does this).`,
    });
  }

  const { startUrl, ssoRegion, registrationScopes } = settings;
  const canLogin = settings.loginOk && startUrl !== "" && ssoRegion !== "";
  const tokenCacheKey = sessionName ?? startUrl;
  const firstError = problems.find((p) => p.severity === "error");
  const reason = firstError
    ? firstError.message
    : bearerOnly
      ? "bearer-token profile: it has sso_session but no sso_account_id / sso_role_name, so it cannot get role credentials"
      : undefined;
  return {
    kind: "sso",
    name,
    section,
    region: values.get("region") || undefined,
    problems,
    style: sessionName !== undefined ? "sso-session" : "legacy",
    sessionName,
    startUrl,
    ssoRegion,
    accountId: values.get("sso_account_id") || undefined,
    roleName: values.get("sso_role_name") || undefined,
    registrationScopes,
    // StormTunnel registers with sso:account:access unless other scopes are configured (legacy profiles included).
    canRefresh: canLogin && (registrationScopes === null || registrationScopes.includes(REFRESH_SCOPE)),
    canLogin,
    tokenCacheKey,
    tokenCacheFile: tokenCacheKey ? tokenCacheFile(homeDir, tokenCacheKey) : "",
    usableForTunnels: reason === undefined,
    ...(reason !== undefined ? { reason } : {}),
  };
}

/** sso_session = NAME: settings come from the session; checks in the order botocore raises them. */
function sessionStyle(
  { name, section, values, sessions }: Ctx,
  sessionName: string,
  bearerOnly: boolean,
  report: Report,
): SsoSettings {
  const session = sessions.get(sessionName);
  if (!session) {
    const known = [...sessions.keys()];
    // A bearer-only profile only meets the token provider, which words this differently.
    report(
      bearerOnly
        ? `The profile "${name}" is configured to use the SSO token provider but the "${sessionName}" sso_session configuration does not exist.`
        : `The specified sso-session does not exist: "${sessionName}"`,
      `Add an [sso-session ${sessionName}] section with sso_start_url and sso_region` +
        (known.length ? `, or set sso_session to one of: ${known.join(", ")}.` : "."),
      "sso_session",
    );
    if (!bearerOnly) reportMissing(name, section, values, [], report, `or its [sso-session ${sessionName}]`);
    return { startUrl: "", ssoRegion: "", registrationScopes: null, loginOk: false };
  }
  let loginOk = session.missing.length === 0 && session.httpsOk;
  // The CLI merges the session into the profile and refuses keys that disagree (equal duplicates are fine).
  for (const [key, sessionValue] of session.values) {
    const mine = values.get(key);
    if (mine !== undefined && mine !== sessionValue) {
      loginOk = false;
      report(
        `The value for ${key} is inconsistent between profile (${mine}) and sso-session (${sessionValue}).`,
        `Remove ${key} from [${section}] (the sso-session's value applies) or make both values equal.`,
        key,
      );
    }
  }
  if (!session.httpsOk) report(HTTPS_MESSAGE, httpsFix(session.section), "sso_start_url");
  if (session.missing.length > 0 && bearerOnly) {
    report(
      `The profile "${name}" is configured to use the SSO token provider but is missing the following configuration: ${pyList(session.missing)}.`,
      `Add ${session.missing.join(" and ")} to [${session.section}].`,
      session.missing[0],
    );
  }
  if (!bearerOnly) reportMissing(name, section, values, session.missing, report, `or [${session.section}]`);
  const { startUrl, region: ssoRegion, registrationScopes } = session.session;
  return { startUrl, ssoRegion, registrationScopes, loginOk };
}

/** All four keys in the profile; no scopes (the CLI ignores sso_registration_scopes without a session). */
function legacyStyle({ name, section, values }: Ctx, report: Report): SsoSettings {
  const startUrl = values.get("sso_start_url") ?? "";
  const missingLogin = ["sso_start_url", "sso_region"].filter((k) => !values.get(k));
  reportMissing(name, section, values, missingLogin, report, "");
  const httpsOk = !startUrl || isHttps(startUrl);
  if (!httpsOk) report(HTTPS_MESSAGE, httpsFix(section), "sso_start_url");
  return { startUrl, ssoRegion: values.get("sso_region") ?? "", registrationScopes: null, loginOk: httpsOk };
}

/** The credential provider's message, keys in botocore's order: role, account, then start URL and region. */
function reportMissing(
  name: string,
  section: string,
  values: Values,
  missingLogin: string[],
  report: Report,
  where: string,
): void {
  const missing = [...["sso_role_name", "sso_account_id"].filter((k) => !values.get(k)), ...missingLogin];
  if (missing.length === 0) return;
  report(
    `The profile "${name}" is configured to use SSO but is missing required configuration: ${missing.join(", ")}`,
    `Add ${missing.join(", ")} to [${section}]${where ? ` ${where}` : ""}. To make sure this profile is properly configured to use SSO, please run: aws configure sso`,
    missing[0],
  );
}
