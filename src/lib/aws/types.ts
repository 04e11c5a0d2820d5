// The typed model of ~/.aws/config that the rest of StormTunnel codes against.

/** One precise thing wrong (or worth knowing) about the config file, with how to fix it. */
export interface ConfigProblem {
  /** Section as written between the brackets, e.g. "profile dev"; "" for the file itself. */
  section: string;
  key?: string;
  message: string;
  fix: string;
  severity: "error" | "warning";
  /** Profile the problem belongs to, when there is one. */
  profile?: string;
  /** 1-based line in the file, when the problem points at one. */
  line?: number;
}

export interface SsoSession {
  name: string;
  startUrl: string;
  region: string;
  /** Parsed `sso_registration_scopes`; null when the key is absent (the CLI hashes null, not []). */
  registrationScopes: string[] | null;
}

/** Per-service endpoint overrides (the emulator, LocalStack, VPC endpoints); unset = the SDK's default endpoint. */
export interface AwsEndpoints {
  ssoOidc?: string;
  sso?: string;
  ssm?: string;
  ec2?: string;
  sts?: string;
}

/** Endpoint overrides a profile configures through `endpoint_url` / `services = NAME`. */
export type ProfileEndpoints = AwsEndpoints;

/** What a profile (or the SSO session group, from its root profile) says about endpoints. */
export interface EndpointSettings {
  /** Per service: its [services] sub-block's endpoint_url, else the profile's endpoint_url. */
  endpoints?: ProfileEndpoints;
  /** `ignore_configured_endpoint_urls = true`: no configured endpoint applies, neither these nor AWS_ENDPOINT_URL*. */
  ignoreConfiguredEndpointUrls?: boolean;
}

interface ProfileCommon {
  name: string;
  /** Region for service calls (`region`), unrelated to sso_region. */
  region?: string;
  problems: ConfigProblem[];
  /** Section name as written, e.g. `profile "my name"` or `default`. */
  section: string;
  /** Endpoint overrides from `endpoint_url` / `services`, when configured. */
  endpoints?: ProfileEndpoints;
  /** `ignore_configured_endpoint_urls = true` in the profile. */
  ignoreConfiguredEndpointUrls?: boolean;
}

export interface SsoProfile extends ProfileCommon {
  kind: "sso";
  style: "sso-session" | "legacy";
  sessionName?: string;
  startUrl: string;
  ssoRegion: string;
  accountId?: string;
  roleName?: string;
  registrationScopes: string[] | null;
  /**
   * StormTunnel's sign-in gets a refresh token: always, unless sso_registration_scopes lists scopes without
   * `sso:account:access`. Whether the token on disk has one (an AWS CLI legacy login has none) is the token's matter.
   */
  canRefresh: boolean;
  /** Enough SSO settings to log in (start URL, region, https), even if role credentials cannot be fetched. */
  canLogin: boolean;
  tokenCacheKey: string;
  tokenCacheFile: string;
  usableForTunnels: boolean;
  /** Why it is not usable for tunnels (absent when usable). */
  reason?: string;
}

/** One sts:AssumeRole of a role chain, with the settings of the profile that names the role. */
export interface RoleHop {
  /** The profile whose role_arn this is. */
  profile: string;
  roleArn: string;
  roleSessionName?: string;
  durationSeconds?: number;
  externalId?: string;
  /** Where STS is called: this profile's `region`, else the chain's region, else the SSO root's sso_region. */
  region: string;
}

export interface RoleChainedProfile extends ProfileCommon {
  kind: "role-chained";
  roleArn: string;
  sourceProfile: string;
  /** The SSO profile at the end of the chain, when the chain ends in one. */
  ssoProfile?: string;
  /** This profile, each source_profile hop, and the root, in order. */
  chain: string[];
  /** The AssumeRole calls from the SSO root outwards (hops[0] uses the root's role credentials); empty without one. */
  hops: RoleHop[];
  /** The first `region` from this profile down to the root: where its tunnels go unless they name a region. */
  chainRegion?: string;
  usableForTunnels: boolean;
  reason?: string;
}

export interface OtherProfile extends ProfileCommon {
  kind: "other";
  reason: string;
  usableForTunnels: false;
}

export type Profile = SsoProfile | RoleChainedProfile | OtherProfile;

/** Profiles that share one token cache file: one login covers them all. */
export interface SsoSessionGroup {
  tokenCacheKey: string;
  tokenCacheFile: string;
  /** Where the AWS CLI caches the OIDC client registration for this session (sso-tokens.md §4.5). */
  registrationCacheFile: string;
  startUrl: string;
  ssoRegion: string;
  sessionName?: string;
  registrationScopes: string[] | null;
  canRefresh: boolean;
  /** SSO profiles of this session and role-chained profiles rooted in them, in file order. */
  profiles: string[];
  /** The endpoint settings of the session's first SSO profile: what sign-in, refresh and logout of it use. */
  endpoints?: ProfileEndpoints;
  ignoreConfiguredEndpointUrls?: boolean;
}

export interface AwsConfig {
  path: string;
  exists: boolean;
  profiles: Profile[];
  ssoSessions: SsoSession[];
  groups: SsoSessionGroup[];
  /** Every problem in the file: file-level ones plus each profile's. */
  problems: ConfigProblem[];
}
