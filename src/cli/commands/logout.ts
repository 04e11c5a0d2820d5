// `stormtunnel logout <profile>` / `stormtunnel logout --all`: sign out of the profile's SSO session (every
// profile sharing it), or of every SSO session in the config. Tokens of sessions not in the config are left alone.
import type { SsoSessionGroup } from "../../lib/aws";
import type { AwsEndpoints } from "../../lib/aws/types";
import { classifySsoError } from "../../lib/sso/errors";
import { logout } from "../../lib/sso/logout";
import { loadConfigFor, sessionTargetFor } from "../../lib/sso/session-target";
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
}
