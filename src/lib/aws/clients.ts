// Every AWS SDK client factory in one import, for callers that want several. Each factory also has a module of its
// own (oidc-client, portal-client, ssm-client, ec2-client, sts-client) so a bundle loads only the SDK clients it uses.
export { endpointsFromEnv, resolveEndpoints, type AwsCredentials } from "./sdk-config";
export { ssoOidcClient } from "./oidc-client";
export { ssoClient } from "./portal-client";
export { ssmClient } from "./ssm-client";
export { ec2Client } from "./ec2-client";
export { stsClient } from "./sts-client";
export type { AwsEndpoints } from "./types";
