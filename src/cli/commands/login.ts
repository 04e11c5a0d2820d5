// `stormtunnel login <profile> [--device-code] [--no-browser]` and `stormtunnel login --cancel <profile>`:
// the login worker Raycast starts (it follows the progress file) and the terminal command.
import { settingsFromEnv } from "../../lib/settings";
import { classifySsoError } from "../../lib/sso/errors";
import { login, type LoginOptions } from "../../lib/sso/login";
import { isLiveLogin, isTerminal, readLoginProgress, type LoginProgress } from "../../lib/sso/login/state";
import { sessionTargetFor } from "../../lib/sso/session-target";
import type { CliCommand, CliIo } from "../io";

const USAGE =
  "usage: stormtunnel login <profile> [--device-code] [--no-browser] | stormtunnel login --cancel <profile>";
const FLAGS = new Set(["--device-code", "--no-browser", "--cancel"]);

/** Options for tests: inject the browser opener, endpoints, clock and sleep. */
export type LoginCommandDeps = Pick<LoginOptions, "openBrowser" | "endpoints" | "now" | "sleep" | "timeoutMs">;

export function makeLoginCommand(deps: LoginCommandDeps = {}): CliCommand {
  return async (args, io) => {
    const flags = new Set(args.filter((a) => a.startsWith("--")));
    const positionals = args.filter((a) => !a.startsWith("--"));
    const unknown = [...flags].filter((f) => !FLAGS.has(f));
    if (positionals.length !== 1 || unknown.length > 0) {
      io.stderr(unknown.length ? `stormtunnel login: unknown option ${unknown.join(", ")}\n${USAGE}` : USAGE);
      return 2;
    }
    const profileName = positionals[0];
    try {
      const { group } = await sessionTargetFor(io.env, profileName);
      if (flags.has("--cancel")) return await cancelLogin(io, group, profileName);

      const method = flags.has("--device-code") ? "device-code" : settingsFromEnv(io.env).loginMethod;
      const token = await login(group, {
        ...deps,
        env: io.env,
        method,
        noBrowser: flags.has("--no-browser"),
        signal: io.signal,
        onProgress: progressPrinter(io, flags.has("--no-browser")),
      });
      const who = group.sessionName ? `SSO session ${group.sessionName}` : group.startUrl;
      io.stdout(`Signed in to ${who} (profiles: ${group.profiles.join(", ")}). Token valid until ${token.expiresAt}.`);
      return 0;
    } catch (err) {
      const e = classifySsoError(err);
      io.stderr(`stormtunnel login: ${e.message}`);
      return e.kind === "cancelled" ? 130 : 1;
    }
  };
}

export const loginCommand: CliCommand = makeLoginCommand();

/** Prints each new URL / code once: what a user needs when the browser did not open. */
function progressPrinter(io: CliIo, noBrowser: boolean): (p: LoginProgress) => void {
  const shown = new Set<string>();
  const once = (key: string, line: string) => {
    if (shown.has(key)) return;
    shown.add(key);
    io.stdout(line);
  };
  return (p) => {
    if (p.pid !== process.pid)
      once(`follow:${p.pid}`, `A login for this SSO session is already running (pid ${p.pid}); waiting for it.`);
    if (p.status === "waiting-for-browser" && p.authorizeUrl) {
      once(
        `url:${p.authorizeUrl}`,
        noBrowser
          ? `Open this URL in a browser to sign in:\n${p.authorizeUrl}`
          : `Sign in in the browser that just opened. If none did, open:\n${p.authorizeUrl}`,
      );
    }
    if (p.status === "waiting-for-device-code" && p.userCode) {
      once(
        `code:${p.userCode}`,
        `To sign in, open ${p.verificationUri} and enter the code ${p.userCode}` +
          (p.verificationUriComplete ? `\n(or open ${p.verificationUriComplete})` : ""),
      );
    }
    if (p.browserError) once(`browser:${p.browserError}`, p.browserError);
  };
}

async function cancelLogin(io: CliIo, group: { tokenCacheKey: string }, profileName: string): Promise<number> {
  const progress = await readLoginProgress(io.env, group);
  if (!isLiveLogin(progress)) {
    io.stdout(`No login is running for profile ${profileName}.`);
    return 0;
  }
  try {
    process.kill(progress.pid, "SIGTERM");
  } catch (err) {
    io.stderr(`Cannot stop the login process ${progress.pid}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
    return 1;
  }
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const p = await readLoginProgress(io.env, group);
    if (!p || isTerminal(p.status) || !isLiveLogin(p)) {
      io.stdout(`Login for profile ${profileName} cancelled.`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  io.stderr(`The login process ${progress.pid} did not stop within 5 s.`);
  return 1;
}
