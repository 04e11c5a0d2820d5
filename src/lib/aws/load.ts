// Finding and reading the config file. Never throws: a missing or unreadable file is an empty model with a problem.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expandHome, userHome, type Env } from "../home";
import { parseAwsConfig } from "./parse";
import type { AwsConfig, ConfigProblem, Profile, SsoSessionGroup } from "./types";

/**
 * Preference override > AWS_CONFIG_FILE > ~/.aws/config. Like the CLI ($VAR/${VAR} then ~), both against the
 * injected env; unknown variables stay as written, as with Python's expandvars.
 */
export function configFilePath(opts: { env?: Env; override?: string } = {}): string {
  const env = opts.env ?? process.env;
  const chosen = opts.override?.trim() || env.AWS_CONFIG_FILE || join(userHome(env), ".aws", "config");
  const expanded = chosen.replace(/\$(\w+)|\$\{([^}]*)\}/g, (m, a, b) => env[a ?? b] ?? m);
  return expandHome(expanded, env);
}

export async function loadAwsConfig(opts: { env?: Env; override?: string } = {}): Promise<AwsConfig> {
  const env = opts.env ?? process.env;
  const path = configFilePath({ env, override: opts.override });
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const missing = code === "ENOENT" || code === "ENOTDIR";
    return {
      path,
      exists: !missing,
      profiles: [],
      ssoSessions: [],
      groups: [],
      problems: [
        missing
          ? {
              section: "",
              severity: "error",
              message: `No AWS config file at ${path}.`,
              fix: "Run `aws configure sso` to create an SSO profile, or set the config file path in StormTunnel's preferences (or AWS_CONFIG_FILE).",
            }
          : {
              section: "",
              severity: "error",
              message: `Cannot read the AWS config file ${path}: ${code ?? (e as Error).message}.`,
              fix:
                code === "EISDIR"
                  ? "Point the config file setting at a file, not a directory."
                  : `Make the file readable by your user (e.g. chmod 600 ${path}).`,
            },
      ],
    };
  }
  const config = parseAwsConfig(decode(bytes), { path, homeDir: userHome(env) });
  if (!isUtf8(bytes)) {
    config.problems.unshift({
      section: "",
      severity: "error",
      message: `${path} is not valid UTF-8; the AWS CLI cannot parse it (UnicodeDecodeError). Bad bytes were read as U+FFFD here.`,
      fix: "Save the file as UTF-8 (look for names or comments pasted from another encoding).",
    });
  }
  return config;
}

/** Keeps a leading BOM (the decoder would drop it): the scanner must see it to warn that the AWS CLI cannot read the file. */
function decode(bytes: Buffer): string {
  return new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(bytes);
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function findProfile(config: AwsConfig, name: string): Profile | undefined {
  return config.profiles.find((p) => p.name === name);
}

/** The SSO session group whose token a profile uses; role-chained profiles are followed to their SSO root. */
export function groupFor(config: AwsConfig, profileName: string): SsoSessionGroup | undefined {
  const profile = findProfile(config, profileName);
  if (!profile || profile.kind === "other") return undefined;
  const root = profile.kind === "sso" ? profile : profile.ssoProfile && findProfile(config, profile.ssoProfile);
  if (!root || root.kind !== "sso") return undefined;
  return config.groups.find((g) => g.tokenCacheKey === root.tokenCacheKey && g.profiles.includes(profileName));
}

/**
 * The profile a command uses when none is given: AWS_PROFILE, else AWS_DEFAULT_PROFILE (the AWS CLI reads it;
 * the JS SDK ignores it, but users set it for the CLI and expect the same profile here), else "default".
 */
export function defaultProfileName(env: Env = process.env): string {
  return env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || "default";
}

/** The problem to show for a profile name that is not in the file, in the AWS CLI's words. */
export function profileNotFound(config: AwsConfig, name: string): ConfigProblem {
  return {
    section: "",
    profile: name,
    severity: "error",
    message: `The config profile (${name}) could not be found`,
    fix: `Add [profile ${name}] to ${config.path} (aws configure sso), or choose one of the ${config.profiles.length} profiles in that file.`,
  };
}
