// `stormtunnel tunnel run <id>`: the tunnel worker. The supervisor starts it detached with stdout on the tunnel's
// log file; run by hand it logs to the terminal and stops on Ctrl-C (terminating its session).
import { runTunnelWorker } from "../../lib/tunnels/worker";
import type { CliCommand } from "../io";
import { isoTime } from "../../lib/iso-time";

export const tunnelRunCommand: CliCommand = async (args, io) => {
  const id = args[0];
  if (!id || args.length > 1) {
    io.stderr("usage: stormtunnel tunnel run <id>");
    return 2;
  }
  return runTunnelWorker({
    env: io.env,
    id,
    signal: io.signal,
    log: (line) => io.stdout(`${isoTime()} ${line}`),
  });
};
