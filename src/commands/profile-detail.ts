// The one line that says what a profile signs in as, in the profile list and the tunnel form's profile dropdown:
// "111122223333 · Developer" for an SSO profile, "444455556666 · Deploy via dev" for a role chain.
import type { Profile } from "../lib/aws";

/** Account and role name of an IAM role ARN (arn:aws:iam::<account>:role/<path/>name); the ARN itself if not one. */
export function roleOf(arn: string): string {
  const m = /^arn:[\w-]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m ? `${m[1]} · ${m[2]}` : arn;
}

export function profileDetail(p: Profile | undefined): string | undefined {
  if (p?.kind === "sso") return [p.accountId, p.roleName].filter(Boolean).join(" · ") || undefined;
  // A chain names the SSO profile at its root: that is the sign-in it follows.
  if (p?.kind === "role-chained") return `${roleOf(p.roleArn)} via ${p.ssoProfile ?? p.sourceProfile}`;
  return undefined;
}
