// Role credentials from the SSO portal (GetRoleCredentials), kept in memory until 5 minutes before they expire.
import { createHash } from "node:crypto";
import { GetRoleCredentialsCommand, type SSOClient } from "@aws-sdk/client-sso";
import type { SsoProfile } from "../aws";
import { ssoClient } from "../aws/portal-client";
import type { AwsEndpoints } from "../aws/types";
import { classifySsoError, SsoError } from "./errors";

export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface RoleCredentialDeps {
  endpoints?: AwsEndpoints;
  now?: () => number;
  signal?: AbortSignal;
}

/** Reuse window, as the JS SDK's memoised providers do (5 min). */
export const ROLE_CREDENTIALS_MARGIN_MS = 5 * 60_000;

type RoleTarget = Pick<SsoProfile, "name" | "accountId" | "roleName" | "ssoRegion" | "tokenCacheKey">;

const cache = new Map<string, RoleCredentials>();
const inFlight = new Map<string, Promise<RoleCredentials>>();
const clients = new Map<string, SSOClient>();

export async function getRoleCredentials(
  profile: RoleTarget,
  accessToken: string,
  deps: RoleCredentialDeps = {},
): Promise<RoleCredentials> {
  const now = deps.now ?? Date.now;
  const { accountId, roleName } = profile;
  if (!accountId || !roleName) {
    throw new SsoError(
      "config",
      `Profile ${profile.name} has no sso_account_id / sso_role_name, so it cannot get role credentials. ` +
        "Add both to the profile (run `aws configure sso` to pick them).",
      { code: "MissingRole" },
    );
  }
  // Keyed by the access token too: after a new login (new permission sets) credentials are fetched afresh.
  const key = [
    profile.ssoRegion,
    accountId,
    roleName,
    profile.tokenCacheKey,
    digest(accessToken),
    deps.endpoints?.sso,
  ].join("\0");
  const cached = cache.get(key);
  if (cached && cached.expiration.getTime() - now() > ROLE_CREDENTIALS_MARGIN_MS) return cached;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = fetchRoleCredentials(profile, accountId, roleName, accessToken, deps).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  const creds = await pending;
  cache.set(key, creds);
  return creds;
}

/** Forget every cached credential of a session (logout). */
export function clearRoleCredentials(tokenCacheKey?: string): void {
  for (const key of cache.keys()) if (!tokenCacheKey || key.split("\0")[3] === tokenCacheKey) cache.delete(key);
}

async function fetchRoleCredentials(
  profile: RoleTarget,
  accountId: string,
  roleName: string,
  accessToken: string,
  deps: RoleCredentialDeps,
): Promise<RoleCredentials> {
  const clientKey = `${profile.ssoRegion}|${deps.endpoints?.sso ?? ""}`;
  let client = clients.get(clientKey);
  if (!client) clients.set(clientKey, (client = ssoClient(profile.ssoRegion, deps.endpoints)));
  try {
    const out = await client.send(new GetRoleCredentialsCommand({ accountId, roleName, accessToken }), {
      abortSignal: deps.signal,
    });
    const c = out.roleCredentials;
    if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken || !c.expiration) {
      throw new SsoError("transient", "The SSO portal returned incomplete role credentials.", { code: "Incomplete" });
    }
    return {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      sessionToken: c.sessionToken,
      expiration: new Date(c.expiration),
    };
  } catch (err) {
    throw explain(profile, accountId, roleName, err);
  }
}

function explain(profile: RoleTarget, accountId: string, roleName: string, err: unknown): SsoError {
  const e = classifySsoError(err);
  if (e.kind === "permission") {
    return new SsoError(
      "permission",
      `Your SSO user may not use role ${roleName} in account ${accountId} (profile ${profile.name}): no permission set ` +
        `grants it. Ask your IAM Identity Center administrator to assign that permission set to you, or pick a role ` +
        "you have (the access portal lists them).",
      { code: e.code, cause: err },
    );
  }
  if (e.code === "ResourceNotFoundException") {
    return new SsoError(
      "config",
      `The SSO portal knows no role ${roleName} in account ${accountId} (profile ${profile.name}). ` +
        "Check sso_account_id and sso_role_name.",
      { code: e.code, cause: err },
    );
  }
  return e;
}

function digest(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 16);
}
