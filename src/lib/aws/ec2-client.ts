// The EC2 client alone (instance lists); kept out of the worker, which never needs it.
import { EC2Client } from "@aws-sdk/client-ec2";
import { fixedConfig, pick, type AwsCredentials } from "./sdk-config";
import type { AwsEndpoints } from "./types";

export function ec2Client(region: string, credentials: AwsCredentials, endpoints?: AwsEndpoints): EC2Client {
  return new EC2Client({ ...fixedConfig(region, 3, pick(endpoints, "ec2")), credentials });
}
