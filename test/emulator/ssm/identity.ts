// Who signed a request, in the shapes AWS error messages use.
import { createHash } from "node:crypto";
import type { IssuedCredentials } from "../directory";

/** The role session name: the portal user, if the portal recorded one. */
export function sessionName(c: IssuedCredentials): string {
  const user = (c as IssuedCredentials & { userName?: string }).userName;
  return user ?? "stormtunnel-user";
}

/** Identity Center roles are named AWSReservedSSO_<permission set>_<16 hex>. */
export function assumedRoleArn(c: IssuedCredentials): string {
  const suffix = createHash("sha256").update(`${c.accountId}/${c.roleName}`).digest("hex").slice(0, 16);
  return `arn:aws:sts::${c.accountId}:assumed-role/AWSReservedSSO_${c.roleName}_${suffix}/${sessionName(c)}`;
}

export function roleAllowsStartSession(
  accounts: { accountId: string; roles: { roleName: string; canStartSession: boolean }[] }[],
  c: IssuedCredentials,
): boolean {
  const role = accounts.find((a) => a.accountId === c.accountId)?.roles.find((r) => r.roleName === c.roleName);
  return role?.canStartSession ?? false;
}
