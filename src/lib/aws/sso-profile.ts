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

export function resolveSsoProfile({ name, section, values, sessions, homeDir }: Ctx): SsoProfile {
  const problems: ConfigProblem[] = [];
  const err = (message: string, fix: string, key?: string) =>
    problems.push({ section, key, profile: name, severity: "error", message, fix });
  const accountId = values.get("sso_account_id") || undefined;
  const roleName = values.get("sso_role_name") || undefined;
  const bearerOnly = !values.has("sso_account_id") && !values.has("sso_role_name");
  const sessionName = values.get("sso_session");
  let startUrl: string;
  let ssoRegion: string;
  let registrationScopes: string[] | null;
  let sessionOk = true;

  if (sessionName !== undefined) {
    const session = sessions.get(sessionName);
    startUrl = session?.session.startUrl ?? "";
    ssoRegion = session?.session.region ?? "";
    registrationScopes = session?.session.registrationScopes ?? null;
    if (!session) {
      sessionOk = false;
      const known = [...sessions.keys()];
      // A bearer-only profile only meets the token provider, which words this differently.
      err(
        bearerOnly
          ? `The profile "${name}" is configured to use the SSO token provider but the "${sessionName}" sso_session configuration does not exist.`
          : `The specified sso-session does not exist: "${sessionName}"`,
        `Add an [sso-session ${sessionName}] section with sso_start_url and sso_region` +
          (known.length ? `, or set sso_session to one of: ${known.join(", ")}.` : "."),
        "sso_session",
      );
    } else {
      // The CLI merges the session into the profile and refuses keys that disagree (equal duplicates are fine).
      for (const [key, sessionValue] of session.values) {
        const mine = values.get(key);
        if (mine !== undefined && mine !== sessionValue) {
          sessionOk = false;
          err(
            `The value for ${key} is inconsistent between profile (${mine}) and sso-session (${sessionValue}).`,
            `Remove ${key} from [${section}] (the sso-session's value applies) or make both values equal.`,
            key,
          );
        }
      }
      if (session.missing.length > 0 || !session.httpsOk) sessionOk = false;
      if (!session.httpsOk) {
        err(
          "The sso_start_url must use the https scheme.",
          `Use the https:// portal URL, e.g. https://d-xxxxxxxxxx.awsapps.com/start, in [${session.section}].`,
          "sso_start_url",
        );
      }
      if (session.missing.length > 0 && bearerOnly) {
        err(
          `The profile "${name}" is configured to use the SSO token provider but is missing the following configuration: ${pyList(session.missing)}.`,
          `Add ${session.missing.join(" and ")} to [${session.section}].`,
          session.missing[0],
        );
      }
    }
    const missing = bearerOnly
      ? []
      : [...["sso_role_name", "sso_account_id"].filter((k) => !values.get(k)), ...(session ? session.missing : [])];
    if (missing.length > 0) {
      err(
        `The profile "${name}" is configured to use SSO but is missing required configuration: ${missing.join(", ")}`,
        `Add ${missing.join(", ")} to [${section}] or its [sso-session ${sessionName}] (aws configure sso writes them).`,
        missing[0],
      );
    }
  } else {
    startUrl = values.get("sso_start_url") ?? "";
    ssoRegion = values.get("sso_region") ?? "";
    // Legacy profiles never send scopes (the CLI ignores sso_registration_scopes without a session).
    registrationScopes = null;
    // Listed in botocore's order, so the message reads exactly like the CLI's.
    const missing = ["sso_role_name", "sso_account_id", "sso_start_url", "sso_region"].filter((k) => !values.get(k));
    if (missing.length > 0) {
      sessionOk = missing.every((k) => k === "sso_account_id" || k === "sso_role_name");
      err(
        `The profile "${name}" is configured to use SSO but is missing required configuration: ${missing.join(", ")}`,
        `Add ${missing.join(", ")} to [${section}]. To make sure this profile is properly configured to use SSO, please run: aws configure sso`,
        missing[0],
      );
    }
    if (startUrl && !isHttps(startUrl)) {
      sessionOk = false;
      err(
        "The sso_start_url must use the https scheme.",
        `Use the https:// portal URL, e.g. https://d-xxxxxxxxxx.awsapps.com/start, in [${section}].`,
        "sso_start_url",
      );
    }
    problems.push({
      section,
      profile: name,
      severity: "warning",
      message: `Profile ${name} uses the legacy SSO configuration: its token cannot be refreshed silently, so you must log in again when it expires.`,
      fix: `Move sso_start_url and sso_region into an [sso-session NAME] section with sso_registration_scopes = ${REFRESH_SCOPE} and set sso_session = NAME here (aws configure sso does this).`,
    });
  }

  const style = sessionName !== undefined ? "sso-session" : "legacy";
  const canLogin = sessionOk && startUrl !== "" && ssoRegion !== "";
  const canRefresh = canLogin && style === "sso-session" && (registrationScopes ?? []).includes(REFRESH_SCOPE);
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
    style,
    sessionName,
    startUrl,
    ssoRegion,
    accountId,
    roleName,
    registrationScopes,
    canRefresh,
    canLogin,
    tokenCacheKey,
    tokenCacheFile: tokenCacheKey ? tokenCacheFile(homeDir, tokenCacheKey) : "",
    usableForTunnels: reason === undefined,
    ...(reason !== undefined ? { reason } : {}),
  };
}
