// The SSO portal client alone: role credentials and logout.
import { SSOClient } from "@aws-sdk/client-sso";
import { fixedConfig, pick } from "./sdk-config";
import type { AwsEndpoints } from "./types";

/** SSO portal (GetRoleCredentials, ListAccounts, Logout): bearer-token calls, no AWS credentials; one retry for blips. */
export function ssoClient(region: string, endpoints?: AwsEndpoints): SSOClient {
  return new SSOClient(fixedConfig(region, 2, pick(endpoints, "sso")));
}
