// AWS SDK clients with our endpoint override and nothing read from ~/.aws by the SDK itself:
// every setting the SDK would otherwise look up in the shared config file is passed explicitly.
import { EC2Client } from "@aws-sdk/client-ec2";
import { SSMClient, type SSMClientConfig } from "@aws-sdk/client-ssm";
import { SSOClient } from "@aws-sdk/client-sso";
import { SSOOIDCClient } from "@aws-sdk/client-sso-oidc";
import type { Env } from "../home";
import type { AwsEndpoints } from "./types";

export type { AwsEndpoints };

export type AwsCredentials = NonNullable<SSMClientConfig["credentials"]>;

/** AWS_ENDPOINT_URL_<SERVICE> suffix per field: the SDK's service id, upper-cased, spaces as underscores. */
const ENV_SUFFIX: Record<keyof AwsEndpoints, string> = { ssoOidc: "SSO_OIDC", sso: "SSO", ssm: "SSM", ec2: "EC2" };

/** Endpoints from the environment: AWS_ENDPOINT_URL_<SERVICE> beats AWS_ENDPOINT_URL, as in the SDK and the CLI. */
export function endpointsFromEnv(env: Env): AwsEndpoints {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === "true") return {};
  const out: AwsEndpoints = {};
  for (const [field, suffix] of Object.entries(ENV_SUFFIX) as [keyof AwsEndpoints, string][]) {
    const url = env[`AWS_ENDPOINT_URL_${suffix}`] || env.AWS_ENDPOINT_URL;
    if (url) out[field] = url;
  }
  return out;
}

/**
 * Explicit endpoints win per service; then AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL; then what the profile
 * configures (`profile.endpoints`, from services / endpoint_url, as the CLI orders them); unset = SDK default.
 */
export function resolveEndpoints(
  explicit: AwsEndpoints | undefined,
  env: Env,
  configured?: AwsEndpoints,
): AwsEndpoints {
  const fromEnv = endpointsFromEnv(env);
  const ignoreConfigured = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === "true";
  const out: AwsEndpoints = {};
  for (const field of Object.keys(ENV_SUFFIX) as (keyof AwsEndpoints)[]) {
    const url = explicit?.[field] || fromEnv[field] || (ignoreConfigured ? undefined : configured?.[field]);
    if (url) out[field] = url;
  }
  return out;
}

/** Values the SDK would otherwise read from ~/.aws/config (and AWS_PROFILE) on first use. */
function fixedConfig(region: string, maxAttempts: number, endpoint: string | undefined) {
  return {
    region,
    maxAttempts,
    retryMode: "standard",
    defaultsMode: "standard" as const,
    useDualstackEndpoint: false,
    useFipsEndpoint: false,
    userAgentAppId: "stormtunnel",
    authSchemePreference: [],
    // We resolve AWS_ENDPOINT_URL* ourselves (injectable env); the SDK must not add config-file endpoints.
    ignoreConfiguredEndpointUrls: true,
    ...(endpoint ? { endpoint } : {}),
  };
}

/**
 * `endpoints` is the final word when given (build it with resolveEndpoints(explicit, env));
 * when omitted, endpoints come from process.env.
 */
function pick(endpoints: AwsEndpoints | undefined, field: keyof AwsEndpoints): string | undefined {
  return (endpoints ?? endpointsFromEnv(process.env))[field];
}

/** The SSO APIs take a bearer token or nothing: the SDK's default credential chain (which reads ~/.aws) must never run. */
const noCredentialChain = () => async (): Promise<never> => {
  throw new Error("SSO and SSO OIDC calls are unsigned; no AWS credentials are looked up for them");
};

/** SSO OIDC (register, device authorization, CreateToken). One attempt: a retried refresh could spend a rotated refresh token twice; our refresh policy retries. */
export function ssoOidcClient(region: string, endpoints?: AwsEndpoints): SSOOIDCClient {
  return new SSOOIDCClient({
    ...fixedConfig(region, 1, pick(endpoints, "ssoOidc")),
    credentialDefaultProvider: noCredentialChain,
  });
}

/** SSO portal (GetRoleCredentials, ListAccounts, Logout): bearer-token calls, no AWS credentials; one retry for blips. */
export function ssoClient(region: string, endpoints?: AwsEndpoints): SSOClient {
  return new SSOClient(fixedConfig(region, 2, pick(endpoints, "sso")));
}

export function ssmClient(region: string, credentials: AwsCredentials, endpoints?: AwsEndpoints): SSMClient {
  return new SSMClient({ ...fixedConfig(region, 3, pick(endpoints, "ssm")), credentials });
}

export function ec2Client(region: string, credentials: AwsCredentials, endpoints?: AwsEndpoints): EC2Client {
  return new EC2Client({ ...fixedConfig(region, 3, pick(endpoints, "ec2")), credentials });
}
