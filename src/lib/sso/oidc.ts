// SSO OIDC calls shared by login and refresh: the real @aws-sdk/client-sso-oidc, endpoint-overridable, with the
// CLI's exact request shapes (§5). Errors are left as SDK errors here; callers classify them for their context.
import {
  CreateTokenCommand,
  RegisterClientCommand,
  StartDeviceAuthorizationCommand,
  type SSOOIDCClient,
} from "@aws-sdk/client-sso-oidc";
import type { SsoSessionGroup } from "../aws";
import { ssoOidcClient } from "../aws/oidc-client";
import type { AwsEndpoints } from "../aws/types";
import type { CachedToken } from "./token-cache";
import { REGISTERED_REDIRECT_URI } from "./login/pkce";
import type { LoginFlow, StoredRegistration } from "./registration-cache";
import { formatCacheTimestamp } from "./timestamps";

export const ACCOUNT_ACCESS_SCOPE = "sso:account:access";
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
export const PKCE_GRANT_TYPES = ["authorization_code", "refresh_token"];

export interface OidcDeps {
  endpoints?: AwsEndpoints;
  signal?: AbortSignal;
  now?: () => number;
}

export interface NewTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

const clients = new Map<string, SSOOIDCClient>();

/** One client per region and endpoint: keeps sockets pooled across polls. */
export function oidcClientFor(region: string, endpoints?: AwsEndpoints): SSOOIDCClient {
  const key = `${region}|${endpoints?.ssoOidc ?? ""}`;
  let client = clients.get(key);
  if (!client) clients.set(key, (client = ssoOidcClient(region, endpoints)));
  return client;
}

/** The base the browser goes to for /authorize: the override, else what the SDK's endpoint rules resolve. */
export async function oidcEndpoint(region: string, endpoints?: AwsEndpoints): Promise<string> {
  if (endpoints?.ssoOidc) return endpoints.ssoOidc;
  const client = oidcClientFor(region, endpoints);
  try {
    const resolved = client.config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false }, {});
    return resolved.url.toString().replace(/\/+$/, "");
  } catch {
    return region.startsWith("cn-")
      ? `https://oidc.${region}.amazonaws.com.cn`
      : `https://oidc.${region}.amazonaws.com`;
  }
}

/** botocore-client-<session> (legacy: botocore-client-<unix seconds>), as the CLI names the clients it registers. */
export function clientName(group: SsoSessionGroup, nowMs: number): string {
  return `botocore-client-${group.sessionName ?? Math.floor(nowMs / 1000)}`;
}

/**
 * The scopes StormTunnel registers with: the configured ones, else sso:account:access, for both flows and legacy
 * profiles too. The CLI sends none for device-code and legacy logins, which is why its tokens then have no refresh
 * token (Identity Center issues refresh tokens only to clients registered with scopes).
 */
export function registrationScopes(group: SsoSessionGroup): string[] {
  if (group.registrationScopes && group.registrationScopes.length > 0) return group.registrationScopes;
  return [ACCOUNT_ACCESS_SCOPE];
}

export async function registerClient(
  group: SsoSessionGroup,
  flow: LoginFlow,
  deps: OidcDeps,
): Promise<StoredRegistration> {
  const now = deps.now ?? Date.now;
  const scopes = registrationScopes(group);
  const input =
    flow === "pkce"
      ? {
          clientName: clientName(group, now()),
          clientType: "public",
          grantTypes: PKCE_GRANT_TYPES,
          redirectUris: [REGISTERED_REDIRECT_URI],
          issuerUrl: group.startUrl,
          scopes,
        }
      : { clientName: clientName(group, now()), clientType: "public", scopes };
  const out = await oidcClientFor(group.ssoRegion, deps.endpoints).send(new RegisterClientCommand(input), {
    abortSignal: deps.signal,
  });
  if (!out.clientId || !out.clientSecret) throw new Error("RegisterClient returned no client credentials");
  const expiresAtMs = out.clientSecretExpiresAt ? out.clientSecretExpiresAt * 1000 : now() + 90 * 24 * 3600_000;
  return {
    clientId: out.clientId,
    clientSecret: out.clientSecret,
    expiresAt: formatCacheTimestamp(expiresAtMs),
    scopes,
    ...(flow === "pkce" ? { grantTypes: PKCE_GRANT_TYPES } : {}),
  };
}

/** Never a real refresh token: the answer only tells whether Identity Center still knows the client. */
const CLIENT_CHECK_TOKEN = "stormtunnel-client-check";

/**
 * Whether Identity Center still accepts a cached client: CreateToken authenticates the client before it looks at the
 * grant, so a refresh with a token that cannot exist answers InvalidClientException for a revoked or unknown client
 * and InvalidGrantException otherwise. Anything else (network, throttling) is left for the login itself to meet.
 */
export async function clientAccepted(
  group: Pick<SsoSessionGroup, "ssoRegion">,
  reg: Pick<StoredRegistration, "clientId" | "clientSecret">,
  deps: OidcDeps,
): Promise<boolean> {
  try {
    await createToken(
      group,
      {
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: "refresh_token",
        refreshToken: CLIENT_CHECK_TOKEN,
      },
      deps,
    );
    return true;
  } catch (err) {
    return (err as { name?: string }).name !== "InvalidClientException";
  }
}

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  expiresIn: number;
  interval?: number;
}

export async function startDeviceAuthorization(
  group: SsoSessionGroup,
  reg: StoredRegistration,
  deps: OidcDeps,
): Promise<DeviceAuthorization> {
  const out = await oidcClientFor(group.ssoRegion, deps.endpoints).send(
    new StartDeviceAuthorizationCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      startUrl: group.startUrl,
    }),
    { abortSignal: deps.signal },
  );
  if (!out.deviceCode || !out.userCode || !out.verificationUri) {
    throw new Error("StartDeviceAuthorization returned an incomplete answer");
  }
  return {
    deviceCode: out.deviceCode,
    userCode: out.userCode,
    verificationUri: out.verificationUri,
    verificationUriComplete: out.verificationUriComplete,
    expiresIn: out.expiresIn ?? 600,
    interval: out.interval,
  };
}

export async function createTokenWithDeviceCode(
  group: SsoSessionGroup,
  reg: StoredRegistration,
  deviceCode: string,
  deps: OidcDeps,
): Promise<NewTokens> {
  return createToken(
    group,
    { clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: DEVICE_CODE_GRANT, deviceCode },
    deps,
  );
}

export async function createTokenWithAuthCode(
  group: SsoSessionGroup,
  reg: StoredRegistration,
  p: { code: string; redirectUri: string; codeVerifier: string },
  deps: OidcDeps,
): Promise<NewTokens> {
  return createToken(
    group,
    { clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: "authorization_code", ...p },
    deps,
  );
}

/** Refresh (for the refresh runner): client data and refresh token from the same cache file. */
export async function createTokenWithRefreshToken(
  group: Pick<SsoSessionGroup, "ssoRegion">,
  token: CachedToken,
  deps: OidcDeps,
): Promise<NewTokens> {
  if (!token.clientId || !token.clientSecret || !token.refreshToken) {
    throw new Error("The cached token has no client registration or refresh token to refresh with");
  }
  return createToken(
    group,
    {
      clientId: token.clientId,
      clientSecret: token.clientSecret,
      grantType: "refresh_token",
      refreshToken: token.refreshToken,
    },
    deps,
  );
}

async function createToken(
  group: Pick<SsoSessionGroup, "ssoRegion">,
  input: ConstructorParameters<typeof CreateTokenCommand>[0],
  deps: OidcDeps,
): Promise<NewTokens> {
  const out = await oidcClientFor(group.ssoRegion, deps.endpoints).send(new CreateTokenCommand(input), {
    abortSignal: deps.signal,
  });
  if (!out.accessToken || !out.expiresIn) throw new Error("CreateToken returned no access token");
  return { accessToken: out.accessToken, expiresIn: out.expiresIn, refreshToken: out.refreshToken || undefined };
}
