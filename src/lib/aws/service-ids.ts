// The SDK service id of each AWS API StormTunnel calls: it names the endpoint overrides, AWS_ENDPOINT_URL_<ID> in
// the environment (upper case, spaces as underscores) and the `<id> =` sub-block of a [services] section (lower
// case, spaces as underscores), exactly as botocore and the JS SDK derive them.
import type { AwsEndpoints } from "./types";

export type ServiceField = keyof AwsEndpoints;

export const SERVICE_IDS: Readonly<Record<ServiceField, string>> = {
  ssoOidc: "SSO OIDC",
  sso: "SSO",
  ssm: "SSM",
  ec2: "EC2",
  sts: "STS",
};

export const SERVICE_FIELDS = Object.keys(SERVICE_IDS) as ServiceField[];

/** AWS_ENDPOINT_URL_SSO_OIDC for "SSO OIDC". */
export function endpointEnvVar(field: ServiceField): string {
  return `AWS_ENDPOINT_URL_${SERVICE_IDS[field].toUpperCase().replace(/[ -]/g, "_")}`;
}

/** sso_oidc for "SSO OIDC": the key of its sub-block in a [services] section. */
export function servicesKey(field: ServiceField): string {
  return SERVICE_IDS[field].toLowerCase().replace(/[ -]/g, "_");
}
