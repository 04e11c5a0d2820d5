// Text of ~/.aws/config → the typed model: sections, sessions, profiles, role chains, token groups, problems.
import { registrationCacheFile, registrationKeyFor, tokenCacheFile } from "./cache-keys";
import { profileEndpoints, type ServicesSection } from "./endpoints";
import { otherProfile, otherReason } from "./other-profile";
import { isRoleProfile, resolveRoleProfile, walkChain } from "./role-chain";
import { scanIni, type RawSection } from "./scan";
import { classifySection } from "./sections";
import { resolveSession, type ResolvedSession } from "./sessions";
import { isSsoProfile, resolveSsoProfile } from "./sso-profile";
import type { AwsConfig, ConfigProblem, Profile, SsoProfile, SsoSessionGroup } from "./types";
import { parseNested, valuesOf, type Values } from "./values";

const PROFILE_LIKE_KEYS = ["sso_session", "sso_start_url", "role_arn", "source_profile", "aws_access_key_id"];

/** Parses config text. Never throws: anything unexpected becomes a problem in the result. */
export function parseAwsConfig(text: string, opts: { path: string; homeDir: string }): AwsConfig {
  try {
    return build(text, opts);
  } catch (e) {
    return {
      path: opts.path,
      exists: true,
      profiles: [],
      ssoSessions: [],
      groups: [],
      problems: [
        {
          section: "",
          severity: "error",
          message: `StormTunnel could not read ${opts.path}: ${e instanceof Error ? e.message : String(e)}`,
          fix: "Check the file with `aws configure list-profiles`; please report this with the file's structure (no secrets).",
        },
      ],
    };
  }
}

interface ProfileSection {
  name: string;
  section: RawSection;
  values: Values;
}

function build(text: string, { path, homeDir }: { path: string; homeDir: string }): AwsConfig {
  const scanned = scanIni(text);
  const fileProblems: ConfigProblem[] = [...scanned.problems];
  const profileSections = new Map<string, ProfileSection>();
  const sessions = new Map<string, ResolvedSession>();
  const services = new Map<string, ServicesSection>();
  const sectionOf = new Map<string, string>(); // "kind\0name" → header that defined it, to spot two headers for one name

  for (const section of scanned.sections) {
    const kind = classifySection(section.header);
    const values = valuesOf(section);
    fileProblems.push(...valueWarnings(section, kind.kind === "profile" ? kind.name : undefined));
    if (kind.kind === "other") {
      if (kind.ignored) {
        fileProblems.push({
          section: section.header,
          line: section.line,
          severity: "warning",
          message: `The AWS CLI ignores [${section.header}]: ${kind.ignored}.`,
          fix: 'Write the header as [profile NAME], [sso-session NAME] or [services NAME]; put a name with spaces in double quotes, e.g. [profile "my name"].',
        });
      } else if (PROFILE_LIKE_KEYS.some((k) => values.has(k))) {
        fileProblems.push({
          section: section.header,
          line: section.line,
          severity: "warning",
          message: `[${section.header}] is not a profile in the config file (only the credentials file uses bare names), so it is ignored.`,
          fix: `Rename it to [profile ${section.header}].`,
        });
      }
      continue;
    }
    const name = kind.name as string;
    const earlier = sectionOf.get(`${kind.kind}\0${name}`);
    if (earlier) {
      fileProblems.push({
        section: section.header,
        line: section.line,
        severity: "warning",
        message: `[${earlier}] and [${section.header}] both define ${kind.kind} ${name}; the AWS CLI uses only the later one.`,
        fix: "Keep one of the two sections.",
      });
    }
    sectionOf.set(`${kind.kind}\0${name}`, section.header);
    if (kind.kind === "profile") profileSections.set(name, { name, section, values });
    else if (kind.kind === "sso-session") sessions.set(name, resolveSession(name, section.header, values));
    else services.set(name, { name, section: section.header, values });
  }

  const sessionProblems = [...sessions.values()].flatMap((s) => s.problems);
  const profileValues = new Map([...profileSections].map(([name, p]) => [name, p.values]));
  const profiles: Profile[] = [];
  const byName = new Map<string, Profile>();
  const roleProfiles: ProfileSection[] = [];

  // Non-role profiles first: role chains need their roots resolved.
  for (const p of profileSections.values()) {
    if (isRoleProfile(p.values)) {
      roleProfiles.push(p);
      continue;
    }
    const resolved = isSsoProfile(p.values)
      ? resolveSsoProfile({ name: p.name, section: p.section.header, values: p.values, sessions, homeDir })
      : otherProfile(p.name, p.section.header, p.values, otherReason(p.values));
    byName.set(p.name, resolved);
  }
  const nonRole = new Map(byName);
  for (const p of roleProfiles) {
    const walk = walkChain(p.name, profileValues);
    // A root that is itself a role profile supplies its static keys (botocore prefers them over role_arn).
    const rootValues = walk.root !== undefined ? profileValues.get(walk.root) : undefined;
    const root =
      walk.root === undefined || !rootValues
        ? undefined
        : (nonRole.get(walk.root) ?? otherProfile(walk.root, "", rootValues, otherReason(rootValues)));
    byName.set(p.name, resolveRoleProfile(p.name, p.section.header, p.values, walk, root, profileValues));
  }
  for (const p of profileSections.values()) {
    const profile = byName.get(p.name) as Profile;
    const endpoints = profileEndpoints(p.name, p.section.header, p.values, services, profile.problems);
    if (endpoints) Object.assign(profile, endpoints);
    profiles.push(profile);
  }
  for (const s of services.values()) fileProblems.push(...servicesProblems(s));

  const groups = groupProfiles(profiles, byName, homeDir);
  return {
    path,
    exists: true,
    profiles,
    ssoSessions: [...sessions.values()].map((s) => s.session),
    groups,
    problems: [...fileProblems, ...sessionProblems, ...profiles.flatMap((p) => p.problems)],
  };
}

/** Profiles that share a token cache key share one login: group SSO profiles and the role chains rooted in them. */
function groupProfiles(profiles: Profile[], byName: Map<string, Profile>, homeDir: string): SsoSessionGroup[] {
  const groups = new Map<string, SsoSessionGroup>();
  const add = (root: SsoProfile, member: string) => {
    if (!root.canLogin) return;
    let group = groups.get(root.tokenCacheKey);
    if (!group) {
      group = {
        tokenCacheKey: root.tokenCacheKey,
        tokenCacheFile: tokenCacheFile(homeDir, root.tokenCacheKey),
        registrationCacheFile: registrationCacheFile(homeDir, registrationKeyFor(root)),
        startUrl: root.startUrl,
        ssoRegion: root.ssoRegion,
        ...(root.sessionName !== undefined ? { sessionName: root.sessionName } : {}),
        registrationScopes: root.registrationScopes,
        canRefresh: root.canRefresh,
        profiles: [],
        ...(root.endpoints ? { endpoints: root.endpoints } : {}),
        ...(root.ignoreConfiguredEndpointUrls ? { ignoreConfiguredEndpointUrls: true } : {}),
      };
      groups.set(root.tokenCacheKey, group);
    } else if (group.ssoRegion !== root.ssoRegion && root.style === "legacy") {
      root.problems.push({
        section: root.section,
        key: "sso_region",
        profile: root.name,
        severity: "warning",
        message: `Profile ${root.name} shares its token (same sso_start_url) with ${group.profiles[0]} but has sso_region ${root.ssoRegion}, not ${group.ssoRegion}.`,
        fix: "Use the same sso_region for every profile with this start URL, or move them to one [sso-session].",
      });
    }
    if (group.profiles.length > 0 && member === root.name && !sameSsoEndpoints(group, root)) {
      root.problems.push({
        section: root.section,
        key: "services",
        profile: root.name,
        severity: "warning",
        message: `Profile ${root.name} shares its SSO session with ${group.profiles[0]} but reaches IAM Identity Center through other endpoints (endpoint_url, services or ignore_configured_endpoint_urls); the background refresh of the session uses ${group.profiles[0]}'s.`,
        fix: "Give every profile of one SSO session the same sso and sso_oidc endpoint settings.",
      });
    }
    group.profiles.push(member);
  };
  for (const p of profiles) {
    if (p.kind === "sso") add(p, p.name);
    else if (p.kind === "role-chained" && p.ssoProfile) add(byName.get(p.ssoProfile) as SsoProfile, p.name);
  }
  return [...groups.values()];
}

/** Whether a profile reaches IAM Identity Center (sso_oidc, sso) where the group's first profile does. */
function sameSsoEndpoints(group: SsoSessionGroup, p: SsoProfile): boolean {
  const same = (a?: string, b?: string) => (a ?? "") === (b ?? "");
  return (
    !!group.ignoreConfiguredEndpointUrls === !!p.ignoreConfiguredEndpointUrls &&
    same(group.endpoints?.ssoOidc, p.endpoints?.ssoOidc) &&
    same(group.endpoints?.sso, p.endpoints?.sso)
  );
}

/** Values that probably do not mean what they say, because botocore keeps inline comments and joins continuations. */
function valueWarnings(section: RawSection, profile: string | undefined): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const v of section.values.values()) {
    const where = { section: section.header, key: v.key, line: v.line, ...(profile ? { profile } : {}) };
    if (!v.value.startsWith("\n") && v.value.includes("\n")) {
      out.push({
        ...where,
        severity: "warning",
        message: `The value of ${v.key} continues on an indented line below it, so it spans several lines.`,
        fix: `Remove the indentation of the line(s) after ${v.key} if they are separate keys.`,
      });
    } else if (/\s[#;]/.test(v.value)) {
      out.push({
        ...where,
        severity: "warning",
        message: `The value of ${v.key} contains an inline comment; the AWS CLI keeps it as part of the value: "${v.value}".`,
        fix: "Move the comment to its own line starting with #.",
      });
    }
  }
  return out;
}

/** [services NAME] sub-blocks must be `key = value` lines, or botocore refuses the whole file. */
function servicesProblems(s: ServicesSection): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const [key, value] of s.values) {
    if (!value.startsWith("\n")) continue;
    const parsed = parseNested(value);
    if ("badLine" in parsed) {
      out.push({
        section: s.section,
        key,
        severity: "error",
        message: `The indented line "${parsed.badLine}" under ${key} is not "key = value"; the AWS CLI cannot parse the file.`,
        fix: `Write it as endpoint_url = https://… under ${key} =.`,
      });
    }
  }
  return out;
}
