// `stormtunnel logout <profile>` / `stormtunnel logout --all`: sign out of the profile's SSO session (every
// profile sharing it), or of every SSO session in the config. Tokens of sessions not in the config are left alone.
import type { SsoSessionGroup } from "../../lib/aws";
import type { AwsEndpoints } from "../../lib/aws/types";
import { classifySsoError } from "../../lib/sso/errors";
import { logout } from "../../lib/sso/logout";
import { keychainMirrorFor } from "../../lib/sso/mirrors/keychain-mirror";
import { loadConfigFor, sessionTargetFor } from "../../lib/sso/session-target";
import { settingsFromEnv } from "../../lib/settings";
import type { CliCommand, CliIo } from "../io";

const USAGE = "usage: stormtunnel logout <profile>|--all";

export function makeLogoutCommand(deps: { endpoints?: AwsEndpoints } = {}): CliCommand {
  return async (args, io) => {
    const all = args.includes("--all");
    const positionals = args.filter((a) => !a.startsWith("--"));
    const unknown = args.filter((a) => a.startsWith("--") && a !== "--all");
    if (unknown.length > 0 || (all ? positionals.length > 0 : positionals.length !== 1)) {
      io.stderr(USAGE);
      return 2;
    }
    try {
      const groups = all
        ? (await loadConfigFor(io.env)).groups
        : [(await sessionTargetFor(io.env, positionals[0])).group];
      if (groups.length === 0) io.stdout("No SSO sessions in the AWS config.");
      for (const group of groups) await logoutOne(io, group, deps.endpoints);
      return 0;
    } catch (err) {
      io.stderr(`stormtunnel logout: ${classifySsoError(err).message}`);
      return 1;
    }
  };
}

export const logoutCommand: CliCommand = makeLogoutCommand();

async function logoutOne(io: CliIo, group: SsoSessionGroup, endpoints?: AwsEndpoints): Promise<void> {
  const who = group.sessionName ? `SSO session ${group.sessionName}` : group.startUrl;
  const { deleted } = await logout(group, { env: io.env, endpoints });
  io.stdout(
    deleted
      ? `Signed out of ${who} (profiles: ${group.profiles.join(", ")}).`
      : `Not signed in to ${who}: there was no cached token.`,
  );
  await removeKeychainCopies(io, group);
}

/**
 * The Keychain copies go at once, like the token file. (Raycast's LocalStorage copy is cleared by the extension on its
 * next run: it sees the file gone after having synced it, which is how it tells a logout from a never-seen session.)
 */
async function removeKeychainCopies(io: CliIo, group: SsoSessionGroup): Promise<void> {
  const keychain = settingsFromEnv(io.env).mirrorToKeychain ? keychainMirrorFor(io.env) : undefined;
  if (!keychain) return;
  try {
    for (const profile of group.profiles) await keychain.remove(profile);
  } catch (err) {
    io.stderr(`Keychain copies not removed yet (${(err as Error).message}); StormTunnel removes them once it can.`);
  }
}
