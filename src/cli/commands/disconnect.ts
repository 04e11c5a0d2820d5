// `stormtunnel disconnect <tunnel>|--all`: SIGTERM the worker's process group (it terminates the session), wait.
import { findTunnel } from "../../lib/tunnels/store";
import { stopAll, stopTunnel } from "../../lib/tunnels/supervisor";
import { readState } from "../../lib/tunnels/state";
import type { CliCommand } from "../io";
import { parseArgs, rejectUnknown } from "./tunnel-args";

const USAGE = "usage: stormtunnel disconnect <tunnel>|--all";

export const disconnectCommand: CliCommand = async (args, io) => {
  const { positionals, flags, unknown } = parseArgs(args, { booleans: ["all"] });
  const refused = rejectUnknown(unknown, USAGE, io.stderr);
  if (refused !== undefined) return refused;
  if (flags.all) {
    const stopped = await stopAll({ env: io.env });
    io.stdout(stopped.length ? `Stopped ${stopped.length} tunnel(s): ${stopped.join(", ")}` : "No tunnel was running.");
    return 0;
  }
  const key = positionals[0];
  if (!key) {
    io.stderr(USAGE);
    return 2;
  }
  // A tunnel deleted while running is still reachable by the id in its state file.
  const tunnel = await findTunnel(io.env, key);
  const id = tunnel?.id ?? (readState(io.env, key) ? key : undefined);
  if (!id) {
    io.stderr(`No tunnel named "${key}".`);
    return 2;
  }
  const { wasRunning, forced } = await stopTunnel(id, { env: io.env });
  const name = tunnel?.name ?? id;
  if (!wasRunning) io.stdout(`Tunnel "${name}" was not running.`);
  else io.stdout(forced ? `Tunnel "${name}" did not stop in time and was killed.` : `Tunnel "${name}" stopped.`);
  return 0;
};
