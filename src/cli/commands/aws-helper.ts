// `stormtunnel aws-helper`: internal. A tunnel worker starts it for its AWS calls (IPC only) and lets it go when idle.
import type { CliCommand } from "../io";

export const awsHelperCommand: CliCommand = async (_args, io) => {
  if (!process.send) {
    io.stderr("stormtunnel aws-helper is started by tunnel workers; it is not a command to run by hand.");
    return 2;
  }
  const { serveAwsCalls } = await import("../../lib/tunnels/worker/aws-calls/helper-server");
  await serveAwsCalls();
  return 0;
};
