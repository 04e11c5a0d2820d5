// [sso-session NAME] sections: the shared start URL, SSO region and registration scopes behind a token.
import type { ConfigProblem, SsoSession } from "./types";
import { isHttps, parseScopes, type Values } from "./values";

export interface ResolvedSession {
  session: SsoSession;
  section: string;
  values: Values;
  /** Keys the session must have but lacks, in the CLI's order. */
  missing: string[];
  httpsOk: boolean;
  problems: ConfigProblem[];
}

const REQUIRED = ["sso_start_url", "sso_region"];
export const REFRESH_SCOPE = "sso:account:access";

export function resolveSession(name: string, section: string, values: Values): ResolvedSession {
  const problems: ConfigProblem[] = [];
  const missing = REQUIRED.filter((k) => !values.get(k));
  const startUrl = values.get("sso_start_url") ?? "";
  const registrationScopes = parseScopes(values.get("sso_registration_scopes"));
  if (missing.length > 0) {
    problems.push({
      section,
      key: missing[0],
      severity: "error",
      message: `Missing the following required SSO configuration values: ${missing.join(", ")}. `,
      fix: `Add ${missing.map((k) => `${k} = …`).join(" and ")} to [${section}] (aws configure sso-session writes them).`,
    });
  }
  const httpsOk = !startUrl || isHttps(startUrl);
  if (!httpsOk) {
    problems.push({
      section,
      key: "sso_start_url",
      severity: "error",
      message: "The sso_start_url must use the https scheme.",
      fix: `Use the https:// portal URL, e.g. https://d-xxxxxxxxxx.awsapps.com/start, in [${section}].`,
    });
  }
  if (missing.length === 0 && !(registrationScopes ?? []).includes(REFRESH_SCOPE)) {
    problems.push({
      section,
      key: "sso_registration_scopes",
      severity: "warning",
      message: `Without ${REFRESH_SCOPE} in sso_registration_scopes, logins may get no refresh token, so tokens of sso-session ${name} cannot be refreshed silently.`,
      fix: `Add sso_registration_scopes = ${REFRESH_SCOPE} to [${section}] and log in again.`,
    });
  }
  return {
    session: { name, startUrl, region: values.get("sso_region") ?? "", registrationScopes },
    section,
    values,
    missing,
    httpsOk,
    problems,
  };
}
