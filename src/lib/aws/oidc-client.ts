// The SSO OIDC client alone: what login and the background refresh load.
import { SSOOIDCClient } from "@aws-sdk/client-sso-oidc";
import { fixedConfig, noCredentialChain, pick } from "./sdk-config";
import type { AwsEndpoints } from "./types";

/** SSO OIDC (register, device authorization, CreateToken). One attempt: a retried refresh could spend a rotated refresh token twice; our refresh policy retries. */
export function ssoOidcClient(region: string, endpoints?: AwsEndpoints): SSOOIDCClient {
  return new SSOOIDCClient({
    ...fixedConfig(region, 1, pick(endpoints, "ssoOidc")),
    credentialDefaultProvider: noCredentialChain,
  });
}
