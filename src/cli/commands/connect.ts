// `stormtunnel connect <tunnel>`: start the tunnel's detached worker and follow its state until it settles.
import { followTunnel } from "../../lib/tunnels/supervisor/follow";
import { findTunnel } from "../../lib/tunnels/store";
import { PortInUseError, startTunnel } from "../../lib/tunnels/supervisor";
import type { TunnelState } from "../../lib/tunnels/state";
import type { CliCommand, CliIo } from "../io";
import { explainError } from "../../lib/local-file";
import { sentence } from "../../lib/sentence";
import { shellQuote } from "../shell-quote";
import { parseArgs, rejectUnknown } from "./tunnel-args";

const USAGE = "usage: stormtunnel connect <tunnel> [--timeout <seconds>]";

function describeProgress(state: TunnelState): string | undefined {
  switch (state.status) {
    case "starting":
      return "Starting…";
    case "authenticating":
      return "Signing in…";
    case "connecting":
      // The cause of a wait (e.g. the SSO token refresh retrying an outage) is what the user needs to see.
      return `Opening the Session Manager session…${state.lastError ? ` (${state.lastError})` : ""}`;
    case "reconnecting":
      return `Reconnecting…${state.lastError ? ` (${state.lastError})` : ""}`;
    default:
      return undefined;
  }
}

function printLogin(state: TunnelState, io: CliIo): void {
  const login = state.login;
  if (!login) return;
  if (login.message) io.stdout(login.message);
  if (login.url) io.stdout(`Sign-in page: ${login.url}`);
  if (login.userCode) io.stdout(`Confirm the code: ${login.userCode}`);
}

export const connectCommand: CliCommand = async (args, io) => {
  const { positionals, flags, unknown } = parseArgs(args, { values: ["timeout"] });
  const refused = rejectUnknown(unknown, USAGE, io.stderr);
  if (refused !== undefined) return refused;
  const key = positionals[0];
  if (!key || positionals.length > 1) {
    io.stderr(USAGE);
    return 2;
  }
  const tunnel = await findTunnel(io.env, key);
  if (!tunnel) {
    io.stderr(`No tunnel named "${key}". See: stormtunnel tunnel list`);
    return 2;
  }
  const startedAt = new Date();
  let pid: number;
  let alreadyRunning = false;
  try {
    const started = await startTunnel(tunnel, { env: io.env });
    pid = started.pid;
    alreadyRunning = started.alreadyRunning;
    io.stdout(
      started.alreadyRunning
        ? `Tunnel "${tunnel.name}" is already running (pid ${pid}).`
        : `Starting tunnel "${tunnel.name}" in the background (pid ${pid}).`,
    );
  } catch (err) {
    io.stderr(
      err instanceof PortInUseError
        ? `Cannot connect: ${err.message}`
        : `Cannot start the tunnel: ${explainError(err)}`,
    );
    return 1;
  }

  let shownLogin = "";
  let shownProgress = "";
  try {
    const timeoutSeconds = Number(flags.timeout) > 0 ? Number(flags.timeout) : 300;
    const state = await followTunnel(tunnel.id, {
      env: io.env,
      signal: io.signal,
      timeoutMs: timeoutSeconds * 1000,
      notBefore: alreadyRunning ? undefined : startedAt,
      onChange: (s) => {
        const progress = describeProgress(s);
        if (progress && progress !== shownProgress) io.stdout(progress);
        shownProgress = progress ?? "";
        const login = JSON.stringify([s.login?.url, s.login?.userCode]);
        if (s.login?.url && login !== shownLogin) {
          printLogin(s, io);
          shownLogin = login;
        }
      },
    });
    return report(state, tunnel.name, tunnel.profile, io);
  } catch (err) {
    if (io.signal.aborted) {
      io.stderr(`Stopped waiting; the tunnel keeps starting in the background (stormtunnel status).`);
      return 130;
    }
    io.stderr(`${(err as Error).message}. The worker keeps trying; see stormtunnel status.`);
    return 1;
  }
};

function report(state: TunnelState, name: string, profile: string, io: CliIo): number {
  switch (state.status) {
    case "connected":
      io.stdout(`Connected: ${state.localAddress} → ${state.target ?? "target"} (session ${state.sessionId ?? "?"}).`);
      return 0;
    case "auth-required":
      io.stderr(
        `Tunnel "${name}" needs a sign-in: ${sentence(state.lastError ?? "the SSO token expired")}\n` +
          `Run: stormtunnel login ${shellQuote(profile)}   (the tunnel connects by itself once you are signed in)`,
      );
      return 1;
    default:
      io.stderr(
        `Tunnel "${name}" ${state.status === "stopped" ? "stopped" : "failed"}: ${state.lastError ?? "no reason given"}`,
      );
      return 1;
  }
}
