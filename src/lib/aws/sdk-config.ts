// Endpoint resolution and the fixed SDK settings shared by every client factory. No SDK client is loaded here,
// so a caller that needs one service (the 1-minute refresh needs only SSO OIDC) bundles only that client.
import type { SSMClientConfig } from "@aws-sdk/client-ssm";
import type { Env } from "../home";
import { endpointEnvVar, SERVICE_FIELDS } from "./service-ids";
import type { AwsEndpoints, EndpointSettings } from "./types";

export type { AwsEndpoints };

export type AwsCredentials = NonNullable<SSMClientConfig["credentials"]>;

/** Endpoints from the environment: AWS_ENDPOINT_URL_<SERVICE> beats AWS_ENDPOINT_URL, as in the SDK and the CLI. */
export function endpointsFromEnv(env: Env): AwsEndpoints {
  return resolveEndpoints(undefined, env);
}

/**
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS when set (true or false), else the profile's ignore_configured_endpoint_urls:
 * botocore's config chain for that setting.
 */
export function ignoresConfiguredEndpoints(env: Env, configured?: EndpointSettings): boolean {
  const fromEnv = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.trim();
  if (fromEnv) return fromEnv.toLowerCase() === "true";
  return configured?.ignoreConfiguredEndpointUrls === true;
}

/**
 * The endpoint of every service, by the SDK's precedence: an explicit one (tests, the emulator) first; then, unless
 * configured endpoints are ignored, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's [services] sub-block,
 * the profile's endpoint_url (`configured`: a profile, or an SSO session group from its root profile). Unset = the
 * SDK's default endpoint for the region.
 */
export function resolveEndpoints(
  explicit: AwsEndpoints | undefined,
  env: Env,
  configured?: EndpointSettings,
): AwsEndpoints {
  const ignore = ignoresConfiguredEndpoints(env, configured);
  const out: AwsEndpoints = {};
  for (const field of SERVICE_FIELDS) {
    const url =
      explicit?.[field] ||
      (ignore ? undefined : env[endpointEnvVar(field)] || env.AWS_ENDPOINT_URL || configured?.endpoints?.[field]);
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
