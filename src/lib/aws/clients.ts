// AWS SDK clients with our endpoint override and nothing read from ~/.aws by the SDK itself.
// SSM and EC2 live here; the SSO clients have their own modules so the refresh path stays small.
import { EC2Client } from "@aws-sdk/client-ec2";
import { SSMClient } from "@aws-sdk/client-ssm";
import { fixedConfig, pick, type AwsCredentials } from "./sdk-config";
import type { AwsEndpoints } from "./types";

export { endpointsFromEnv, resolveEndpoints, type AwsCredentials } from "./sdk-config";
export { ssoOidcClient } from "./oidc-client";
export { ssoClient } from "./portal-client";
export type { AwsEndpoints };

export function ssmClient(region: string, credentials: AwsCredentials, endpoints?: AwsEndpoints): SSMClient {
  return new SSMClient({ ...fixedConfig(region, 3, pick(endpoints, "ssm")), credentials });
}

export function ec2Client(region: string, credentials: AwsCredentials, endpoints?: AwsEndpoints): EC2Client {
  return new EC2Client({ ...fixedConfig(region, 3, pick(endpoints, "ec2")), credentials });
}
