// From a profile name to the SSO session whose token it uses, with the CLI's wording when that is impossible.
import { findProfile, groupFor, loadAwsConfig, type AwsConfig, type SsoProfile, type SsoSessionGroup } from "../aws";
import type { Env } from "../home";
import { settingsFromEnv } from "../settings";
import { SsoError } from "./errors";

export interface SessionTarget {
  config: AwsConfig;
  /** The profile's SSO session, with the profile's own endpoint settings: the profile in use decides, as in the CLI. */
  group: SsoSessionGroup;
  /** The SSO profile holding the session settings (the root of a role chain). */
  ssoProfile: SsoProfile;
}

export async function loadConfigFor(env: Env): Promise<AwsConfig> {
  return loadAwsConfig({ env, override: settingsFromEnv(env).awsConfigFile });
}

export async function sessionTargetFor(env: Env, profileName: string, config?: AwsConfig): Promise<SessionTarget> {
  const cfg = config ?? (await loadConfigFor(env));
  const profile = findProfile(cfg, profileName);
  if (!profile) {
    const fileProblem = cfg.problems.find((p) => p.section === "" && p.severity === "error");
    throw new SsoError(
      "config",
      fileProblem
        ? `${fileProblem.message} ${fileProblem.fix}`
        : `The config profile (${profileName}) could not be found`,
      { code: "ProfileNotFound" },
    );
  }
  const group = groupFor(cfg, profileName);
  const root = profile.kind === "sso" ? profile : profile.kind === "role-chained" ? profile.ssoProfile : undefined;
  const ssoProfile = typeof root === "string" ? findProfile(cfg, root) : root;
  if (!group || !ssoProfile || ssoProfile.kind !== "sso") {
    throw new SsoError(
      "config",
      `Profile ${profileName} does not sign in with IAM Identity Center (SSO)` +
        (profile.reason ? `: ${profile.reason}` : ".") +
        " Run `aws configure sso` to set it up.",
      { code: "NotSso" },
    );
  }
  if (!ssoProfile.canLogin) {
    const problems = ssoProfile.problems.filter((p) => p.severity === "error");
    const detail = problems.map((p) => `${p.message} ${p.fix}`).join(" ");
    throw new SsoError("config", detail || `Profile ${ssoProfile.name} lacks the SSO settings needed to sign in.`, {
      code: "InvalidSsoConfig",
    });
  }
  const inUse: SsoSessionGroup = {
    ...group,
    endpoints: profile.endpoints,
    ignoreConfiguredEndpointUrls: profile.ignoreConfiguredEndpointUrls,
  };
  return { config: cfg, group: inUse, ssoProfile };
}
