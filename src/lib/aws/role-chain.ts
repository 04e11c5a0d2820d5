// role_arn + source_profile: follows the chain to its root the way botocore's AssumeRoleProvider does,
// so role-chained profiles land in the SSO group of the profile that finally supplies credentials.
import type { ConfigProblem, Profile, RoleChainedProfile } from "./types";
import { hasStaticKeys } from "./other-profile";
import { pyList, type Values } from "./values";

export const ROLE_CHAINING_UNSUPPORTED = "role chaining needs sts:AssumeRole, not supported yet";

export function isRoleProfile(values: Values): boolean {
  return values.has("role_arn") && !values.has("web_identity_token_file");
}

interface Walk {
  chain: string[];
  /** Profile that supplies the base credentials, when the chain reaches one. */
  root?: string;
  /** credential_source at the end of the chain, when that is where it ends. */
  credentialSource?: string;
  problem?: { message: string; fix: string; key: string; at: string };
}

/** Walks source_profile hops from `start`; `sections` maps profile name → its values. */
export function walkChain(start: string, profiles: Map<string, Values>): Walk {
  const visited = [start];
  let current = start;
  for (;;) {
    const values = profiles.get(current) ?? new Map<string, string>();
    const source = values.get("source_profile");
    const credentialSource = values.get("credential_source");
    if (source !== undefined && credentialSource !== undefined) {
      const message = `The profile "${current}" contains both source_profile and credential_source.`;
      return {
        chain: visited,
        problem: { message, fix: "Keep only one of them.", key: "source_profile", at: current },
      };
    }
    if (credentialSource !== undefined) return { chain: visited, credentialSource };
    if (source === undefined) {
      const message = "Partial credentials found in assume-role, missing: source_profile or credential_source";
      const fix = `Add source_profile = <an SSO profile> to the profile "${current}".`;
      return { chain: visited, problem: { message, fix, key: "source_profile", at: current } };
    }
    if (!profiles.has(source)) {
      const message = `The source_profile "${source}" referenced in the profile "${current}" does not exist.`;
      const fix = `Point source_profile at an existing profile, or add [profile ${source}].`;
      return { chain: visited, problem: { message, fix, key: "source_profile", at: current } };
    }
    const sourceValues = profiles.get(source) as Values;
    if (visited.includes(source)) {
      // A profile may name itself only to take its own static keys (botocore allows exactly that).
      if (source === current && hasStaticKeys(sourceValues)) return { chain: visited, root: source };
      const message = `Infinite loop in credential configuration detected. Attempting to load from profile ${source} which has already been visited. Visited profiles: ${pyList(visited)}`;
      const fix = `Break the source_profile cycle ${[...visited, source].join(" → ")}: one of them must get credentials from SSO.`;
      return { chain: visited, problem: { message, fix, key: "source_profile", at: current } };
    }
    visited.push(source);
    // Static keys win over role_arn in a source profile; otherwise a role_arn means another hop.
    if (hasStaticKeys(sourceValues) || !isRoleProfile(sourceValues)) return { chain: visited, root: source };
    current = source;
  }
}

export function resolveRoleProfile(
  name: string,
  section: string,
  values: Values,
  walk: Walk,
  rootProfile: Profile | undefined,
): RoleChainedProfile {
  const problems: ConfigProblem[] = [];
  if (walk.problem) {
    problems.push({
      section,
      key: walk.problem.key,
      profile: name,
      severity: "error",
      message: walk.problem.message,
      fix: walk.problem.fix,
    });
  }
  const ssoProfile = rootProfile?.kind === "sso" ? rootProfile.name : undefined;
  // A broken root breaks the chain; botocore reports the root's error for the chained profile too.
  const rootError = rootProfile?.problems.find((p) => p.severity === "error");
  if (!walk.problem && rootError) {
    problems.push({
      section,
      key: "source_profile",
      profile: name,
      severity: "error",
      message: rootError.message,
      fix: `Fix profile ${rootProfile?.name}, where this role chain starts: ${rootError.fix}`,
    });
  }
  let reason: string;
  if (walk.problem) reason = walk.problem.message;
  else if (rootError) reason = rootError.message;
  else if (walk.credentialSource) reason = `role chain ends in credential_source ${walk.credentialSource}, not SSO`;
  else if (!ssoProfile) reason = `role chain ends in profile ${walk.root}, which ${rootReason(rootProfile)}`;
  else reason = ROLE_CHAINING_UNSUPPORTED;
  return {
    kind: "role-chained",
    name,
    section,
    region: values.get("region") || undefined,
    problems,
    roleArn: values.get("role_arn") ?? "",
    sourceProfile: values.get("source_profile") ?? "",
    ...(ssoProfile ? { ssoProfile } : {}),
    chain: walk.chain,
    usableForTunnels: false,
    reason,
  };
}

function rootReason(root: Profile | undefined): string {
  if (!root) return "is missing";
  if (root.kind === "other") return root.reason;
  return "is not an SSO profile";
}
