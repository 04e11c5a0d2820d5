// The STS client alone: AssumeRole for role-chained profiles. Loaded only by a worker whose profile is a role chain.
import { STSClient } from "@aws-sdk/client-sts";
import { fixedConfig, pick, type AwsCredentials } from "./sdk-config";
import type { AwsEndpoints } from "./types";

/** The regional STS endpoint of `region` (the chain's region), or the override; SDK retries for blips. */
export function stsClient(region: string, credentials: AwsCredentials, endpoints?: AwsEndpoints): STSClient {
  return new STSClient({ ...fixedConfig(region, 3, pick(endpoints, "sts")), credentials });
}
