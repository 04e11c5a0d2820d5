// `stormtunnel tunnel add|list|remove|run`: manage saved tunnels from a terminal; `run` is the worker itself.
import { describeErrors, poolSize, TunnelValidationError, validateTunnel } from "../../lib/tunnels/definition";
import { findTunnel, loadTunnels, removeTunnel, saveTunnel } from "../../lib/tunnels/store";
import { isRunning, stopTunnel } from "../../lib/tunnels/supervisor";
import type { CliCommand } from "../io";
import { shellQuote } from "../shell-quote";
import { formatTable, parseArgs, rejectUnknown } from "./tunnel-args";

const ADD_USAGE =
  "usage: stormtunnel tunnel add --name N --profile P --target i-... --remote-port N --local-port N " +
  "[--remote-host H] [--bind-address A] [--region R] [--sessions 1-8] [--no-auto-reconnect]";
const ADD_VALUES = [
  "name",
  "profile",
  "region",
  "target",
  "remote-host",
  "remote-port",
  "local-port",
  "bind-address",
  "sessions",
];

const addTunnel: CliCommand = async (args, io) => {
  const { flags, positionals, unknown } = parseArgs(args, { booleans: ["auto-reconnect"], values: ADD_VALUES });
  const refused = rejectUnknown([...unknown, ...positionals], ADD_USAGE, io.stderr);
  if (refused !== undefined) return refused;
  const { tunnels } = await loadTunnels(io.env);
  const input = {
    name: flags.name,
    profile: flags.profile,
    region: flags.region,
    target: flags.target,
    remoteHost: flags["remote-host"],
    remotePort: flags["remote-port"],
    localPort: flags["local-port"],
    bindAddress: flags["bind-address"],
    autoReconnect: flags["auto-reconnect"],
    sessions: flags.sessions,
  };
  const checked = validateTunnel(input, tunnels);
  if (!checked.ok) {
    io.stderr(`Cannot add the tunnel: ${describeErrors(checked.errors)}`);
    return 2;
  }
  try {
    const saved = await saveTunnel(io.env, checked.value);
    io.stdout(
      `Added tunnel "${saved.name}" (${saved.id}). Start it with: stormtunnel connect ${shellQuote(saved.name)}`,
    );
    return 0;
  } catch (err) {
    if (err instanceof TunnelValidationError) {
      io.stderr(`Cannot add the tunnel: ${describeErrors(err.errors)}`);
      return 2;
    }
    throw err;
  }
};

const listTunnels: CliCommand = async (args, io) => {
  const { flags, positionals, unknown } = parseArgs(args, { booleans: ["json"] });
  const refused = rejectUnknown([...unknown, ...positionals], "usage: stormtunnel tunnel list [--json]", io.stderr);
  if (refused !== undefined) return refused;
  const { tunnels, problems } = await loadTunnels(io.env);
  for (const p of problems) io.stderr(p);
  if (flags.json) {
    io.stdout(JSON.stringify(tunnels, null, 2));
    return 0;
  }
  if (tunnels.length === 0) {
    io.stdout("No tunnels saved.");
    return 0;
  }
  const rows = [["NAME", "ID", "PROFILE", "TARGET", "REMOTE", "LOCAL", "SESSIONS"]];
  for (const t of tunnels) {
    const remote = `${t.remoteHost ?? "(instance)"}:${t.remotePort}`;
    rows.push([t.name, t.id, t.profile, t.target, remote, `${t.bindAddress}:${t.localPort}`, String(poolSize(t))]);
  }
  for (const line of formatTable(rows)) io.stdout(line);
  return 0;
};

const removeSaved: CliCommand = async (args, io) => {
  const { positionals, unknown } = parseArgs(args);
  const key = positionals[0];
  if (!key || positionals.length > 1 || unknown.length > 0) {
    io.stderr("usage: stormtunnel tunnel remove <tunnel>");
    return 2;
  }
  const tunnel = await findTunnel(io.env, key);
  if (!tunnel) {
    io.stderr(`No tunnel named "${key}".`);
    return 2;
  }
  // Removing a running tunnel would orphan its worker: stop it first.
  if (await isRunning(io.env, tunnel.id)) await stopTunnel(tunnel.id, { env: io.env });
  await removeTunnel(io.env, tunnel.id);
  io.stdout(`Removed tunnel "${tunnel.name}".`);
  return 0;
};

const runWorker: CliCommand = async (args, io) => {
  const { tunnelRunCommand } = await import("./tunnel-run");
  return tunnelRunCommand(args, io);
};

const SUBCOMMANDS: Record<string, CliCommand> = {
  add: addTunnel,
  list: listTunnels,
  ls: listTunnels,
  remove: removeSaved,
  rm: removeSaved,
  run: runWorker,
};

export const tunnelCommand: CliCommand = async (args, io) => {
  const [sub, ...rest] = args;
  const command = sub ? SUBCOMMANDS[sub] : undefined;
  if (!command) {
    io.stderr("usage: stormtunnel tunnel add|list|remove|run … (see stormtunnel --help)");
    return 2;
  }
  return command(rest, io);
};
