// Endpoint resolution and the fixed SDK settings shared by every client factory. No SDK client is loaded here,
// so a caller that needs one service (the 1-minute refresh needs only SSO OIDC) bundles only that client.
import type { SSMClientConfig } from "@aws-sdk/client-ssm";
import type { Env } from "../home";
import type { AwsEndpoints } from "./types";

export type { AwsEndpoints };

export type AwsCredentials = NonNullable<SSMClientConfig["credentials"]>;

/** AWS_ENDPOINT_URL_<SERVICE> suffix per field: the SDK's service id, upper-cased, spaces as underscores. */
const ENV_SUFFIX: Record<keyof AwsEndpoints, string> = {
  ssoOidc: "SSO_OIDC",
  sso: "SSO",
  ssm: "SSM",
  ec2: "EC2",
  sts: "STS",
};

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
export function fixedConfig(region: string, maxAttempts: number, endpoint: string | undefined) {
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
export function pick(endpoints: AwsEndpoints | undefined, field: keyof AwsEndpoints): string | undefined {
  return (endpoints ?? endpointsFromEnv(process.env))[field];
}

/** The SSO APIs take a bearer token or nothing: the SDK's default credential chain (which reads ~/.aws) must never run. */
export const noCredentialChain = () => async (): Promise<never> => {
  throw new Error("SSO and SSO OIDC calls are unsigned; no AWS credentials are looked up for them");
};
