// The SSM client alone: what a tunnel worker needs for StartSession, ResumeSession and TerminateSession.
import { SSMClient } from "@aws-sdk/client-ssm";
import { fixedConfig, pick, type AwsCredentials } from "./sdk-config";
import type { AwsEndpoints } from "./types";

export function ssmClient(region: string, credentials: AwsCredentials, endpoints?: AwsEndpoints): SSMClient {
  return new SSMClient({ ...fixedConfig(region, 3, pick(endpoints, "ssm")), credentials });
}
