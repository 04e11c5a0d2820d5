// Logout of one SSO session: end the portal sign-in (best effort), then delete the shared token file. Mirrors
// follow by themselves (a deleted cache file is a logout for the reconciler). Registration files are kept, as
// `aws sso logout` keeps them. Other tools' tokens (IDE toolkits) are left alone, unlike `aws sso logout`.
import { LogoutCommand } from "@aws-sdk/client-sso";
import type { SsoSessionGroup } from "../aws";
import { ssoClient } from "../aws/portal-client";
import { resolveEndpoints } from "../aws/sdk-config";
import type { AwsEndpoints } from "../aws/types";
import type { Env } from "../home";
import { withFileLock } from "../lock";
import { clearRoleCredentials } from "./role-credentials";
import { deleteToken, readToken, tokenLockPath } from "./token-cache";

export interface LogoutDeps {
  env: Env;
  endpoints?: AwsEndpoints;
  /** Upper bound for the portal call; the local logout never waits longer. */
  timeoutMs?: number;
}

export interface LogoutResult {
  /** A token file existed and was deleted. */
  deleted: boolean;
  /** The portal accepted the Logout call. */
  portalLoggedOut: boolean;
}

export async function logout(group: SsoSessionGroup, deps: LogoutDeps): Promise<LogoutResult> {
  return withFileLock(tokenLockPath(group.tokenCacheFile), async () => {
    const read = await readToken(group.tokenCacheFile);
    let portalLoggedOut = false;
    if (read.state === "ok") {
      const region = typeof read.token.region === "string" && read.token.region ? read.token.region : group.ssoRegion;
      portalLoggedOut = await portalLogout(
        region,
        read.token.accessToken,
        resolveEndpoints(deps.endpoints, deps.env, group),
        deps,
      );
    }
    const deleted = await deleteToken(group.tokenCacheFile);
    clearRoleCredentials(group.tokenCacheKey);
    return { deleted, portalLoggedOut };
  });
}

/** Errors are ignored, as the CLI does: an expired or revoked token must not block a local logout. */
async function portalLogout(
  region: string,
  accessToken: string,
  endpoints: AwsEndpoints,
  deps: LogoutDeps,
): Promise<boolean> {
  const client = ssoClient(region, endpoints);
  try {
    await client.send(new LogoutCommand({ accessToken }), { abortSignal: AbortSignal.timeout(deps.timeoutMs ?? 5000) });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}
