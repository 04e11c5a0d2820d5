// Profiles that get credentials some other way than SSO: listed, but not usable for tunnels, with the reason.
import type { ConfigProblem, OtherProfile } from "./types";
import type { Values } from "./values";

export function hasStaticKeys(values: Values): boolean {
  return values.has("aws_access_key_id") || values.has("aws_secret_access_key");
}

/** Why a profile without SSO settings and without role_arn is not an SSO profile, in botocore's provider order. */
export function otherReason(values: Values): string {
  if (values.has("web_identity_token_file")) return "uses web identity (web_identity_token_file), not SSO";
  if (hasStaticKeys(values)) return "uses static access keys (aws_access_key_id), not SSO";
  if (values.has("login_session")) return "uses aws login console credentials (login_session), not SSO";
  if (values.has("credential_process")) return "uses credential_process, not SSO";
  return "has no credentials configured (no SSO settings, role or access keys)";
}

export function otherProfile(
  name: string,
  section: string,
  values: Values,
  reason: string,
  problems: ConfigProblem[] = [],
): OtherProfile {
  return {
    kind: "other",
    name,
    section,
    region: values.get("region") || undefined,
    problems,
    reason,
    usableForTunnels: false,
  };
}
