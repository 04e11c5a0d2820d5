// Who signed a request, in the shapes AWS error messages use: an Identity Center role session (portal credentials)
// or a role session from STS AssumeRole.
import { createHash } from "node:crypto";
import type { Directory, IssuedCredentials } from "../directory";

/** The role session name: the AssumeRole RoleSessionName, else the portal user, if the portal recorded one. */
export function sessionName(c: IssuedCredentials): string {
  if (c.roleSessionName) return c.roleSessionName;
  const user = (c as IssuedCredentials & { userName?: string }).userName;
  return user ?? "stormtunnel-user";
}

/** Identity Center roles are named AWSReservedSSO_<permission set>_<16 hex>. */
function ssoRoleName(c: IssuedCredentials): string {
  const suffix = createHash("sha256").update(`${c.accountId}/${c.roleName}`).digest("hex").slice(0, 16);
  return `AWSReservedSSO_${c.roleName}_${suffix}`;
}

/** The IAM role behind the session: what a trust policy names as its principal. */
export function callerRoleArn(c: IssuedCredentials): string {
  if (c.roleArn) return c.roleArn;
  return `arn:aws:iam::${c.accountId}:role/aws-reserved/sso.amazonaws.com/${ssoRoleName(c)}`;
}

export function assumedRoleArn(c: IssuedCredentials): string {
  const role = c.roleArn ? c.roleName : ssoRoleName(c);
  return `arn:aws:sts::${c.accountId}:assumed-role/${role}/${sessionName(c)}`;
}

export function roleAllowsStartSession(
  directory: Pick<Directory, "accounts" | "iamRoles">,
  c: IssuedCredentials,
): boolean {
  if (c.roleArn) return directory.iamRoles.find((r) => r.arn === c.roleArn)?.canStartSession ?? false;
  const role = directory.accounts
    .find((a) => a.accountId === c.accountId)
    ?.roles.find((r) => r.roleName === c.roleName);
  return role?.canStartSession ?? false;
}
