// role_arn + source_profile: follows the chain to its root the way botocore's AssumeRoleProvider does, so role-chained
// profiles land in the SSO group of the profile that finally supplies credentials, and lists the AssumeRole hops
// a tunnel makes from that root outwards.
import type { ConfigProblem, Profile, RoleChainedProfile, RoleHop } from "./types";
import { hasStaticKeys } from "./other-profile";
import { pyList, type Values } from "./values";

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
  profiles: Map<string, Values>,
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
  const sso = rootProfile?.kind === "sso" ? rootProfile : undefined;
  const chainRegion = walk.chain.map((p) => profiles.get(p)?.get("region")).find((r) => !!r);
  const hops = sso && !walk.problem ? hopsOf(walk.chain, profiles, chainRegion ?? sso.ssoRegion) : [];
  const own = durationOf(values.get("duration_seconds"));
  if (own.problem)
    problems.push({ section, key: "duration_seconds", profile: name, severity: "warning", ...own.problem });
  const mfa = hops.find((h) => profiles.get(h.profile)?.has("mfa_serial"));
  let reason: string | undefined;
  if (walk.problem) reason = walk.problem.message;
  else if (rootError) reason = rootError.message;
  else if (walk.credentialSource) {
    reason = `role chain ends in credential_source ${walk.credentialSource}, not in an SSO profile`;
  } else if (!sso) reason = `role chain ends in profile ${walk.root}, which ${rootReason(rootProfile)}`;
  else if (!sso.usableForTunnels) reason = `role chain starts at profile ${sso.name}, which ${sso.reason}`;
  else if (mfa) {
    reason = `profile ${mfa.profile} needs an MFA code (mfa_serial) to assume its role, which a background tunnel cannot ask for`;
  }
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
    hops,
    ...(chainRegion ? { chainRegion } : {}),
    usableForTunnels: reason === undefined,
    ...(reason !== undefined ? { reason } : {}),
  };
}

/** The chain's role profiles from the root outwards, each with the AssumeRole settings botocore reads from it. */
function hopsOf(chain: string[], profiles: Map<string, Values>, chainRegion: string): RoleHop[] {
  return chain
    .slice(0, -1)
    .reverse()
    .map((name) => {
      const v = profiles.get(name) ?? new Map<string, string>();
      const hop: RoleHop = { profile: name, roleArn: v.get("role_arn") ?? "", region: v.get("region") || chainRegion };
      if (v.get("role_session_name")) hop.roleSessionName = v.get("role_session_name");
      if (v.get("external_id")) hop.externalId = v.get("external_id");
      const { seconds } = durationOf(v.get("duration_seconds"));
      if (seconds !== undefined) hop.durationSeconds = seconds;
      return hop;
    });
}

/** duration_seconds as botocore reads it (a non-integer is ignored), and why STS would refuse it. */
function durationOf(text: string | undefined): { seconds?: number; problem?: { message: string; fix: string } } {
  if (text === undefined || text.trim() === "") return {};
  if (!/^-?\d+$/.test(text.trim())) {
    return {
      problem: {
        message: `duration_seconds = ${text} is not a whole number of seconds; the AWS CLI ignores it (1 hour).`,
        fix: "Write a number of seconds between 900 and 3600, e.g. duration_seconds = 3600.",
      },
    };
  }
  const seconds = Number(text.trim());
  if (seconds >= 900 && seconds <= 3600) return { seconds };
  return {
    seconds,
    problem: {
      message: `duration_seconds = ${seconds}: STS refuses it for a role assumed with SSO role credentials (role chaining allows 900 to 3600 seconds).`,
      fix: "Use a value between 900 and 3600, or remove duration_seconds (1 hour).",
    },
  };
}

/** Listed with why, not dropped: StormTunnel assumes roles only from IAM Identity Center credentials. */
function rootReason(root: Profile | undefined): string {
  if (!root) return "is missing";
  if (root.kind === "other") return root.reason;
  return "is not an SSO profile";
}
