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
  if (missing.length === 0 && registrationScopes === null) {
    problems.push({
      section,
      key: "sso_registration_scopes",
      severity: "warning",
      message: `sso-session ${name} has no sso_registration_scopes: StormTunnel signs it in with ${REFRESH_SCOPE} and refreshes it, but \`aws sso login --use-device-code\` (and every login of AWS CLI versions before 2.22) gets no refresh token for it.`,
      fix: `Add sso_registration_scopes = ${REFRESH_SCOPE} to [${section}].`,
    });
  } else if (missing.length === 0 && registrationScopes !== null && !registrationScopes.includes(REFRESH_SCOPE)) {
    problems.push({
      section,
      key: "sso_registration_scopes",
      severity: "warning",
      message: `sso_registration_scopes of sso-session ${name} lacks ${REFRESH_SCOPE}: its tokens give no access to AWS accounts, so they cannot get role credentials or be refreshed for tunnels.`,
      fix: `Add ${REFRESH_SCOPE} to sso_registration_scopes in [${section}] and sign in again.`,
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
