#!/usr/bin/env node
// The `stormtunnel` CLI and the detached worker: one entry point (bundled to assets/stormtunnel.js), plain Node.
// Subcommands load lazily so `status` or `tunnel run` never pays for code it does not use.
import { explainError } from "../lib/local-file";
import type { CliCommand, CliIo } from "./io";

export const VERSION = "1.0.0";

const COMMANDS: Record<string, () => Promise<CliCommand>> = {
  login: () => import("./commands/login").then((m) => m.loginCommand),
  logout: () => import("./commands/logout").then((m) => m.logoutCommand),
  refresh: () => import("./commands/refresh").then((m) => m.refreshCommand),
  profiles: () => import("./commands/profiles").then((m) => m.profilesCommand),
  connect: () => import("./commands/connect").then((m) => m.connectCommand),
  disconnect: () => import("./commands/disconnect").then((m) => m.disconnectCommand),
  status: () => import("./commands/status").then((m) => m.statusCommand),
  tunnel: () => import("./commands/tunnel").then((m) => m.tunnelCommand),
  // Internal: a tunnel worker's short-lived helper for AWS calls (see lib/tunnels/worker/aws-calls).
  "aws-helper": () => import("./commands/aws-helper").then((m) => m.awsHelperCommand),
};

export const USAGE = `stormtunnel ${VERSION}: AWS Session Manager port-forwarding tunnels signed in with IAM Identity Center

Usage:
  stormtunnel login <profile> [--device-code]   sign in (opens the browser)
  stormtunnel logout [<profile>|--all]          sign out
  stormtunnel refresh [<profile>]               refresh SSO tokens now
  stormtunnel profiles                          list SSO profiles and token state
  stormtunnel connect <tunnel>                  start a tunnel in the background and wait until it is up
  stormtunnel disconnect <tunnel>|--all         stop tunnels
  stormtunnel status [--json]                   show tunnels
  stormtunnel tunnel add --name N --profile P --target i-... --remote-port N --local-port N
                         [--remote-host H] [--bind-address A] [--region R] [--sessions 1-8]
                         [--no-auto-reconnect]
  stormtunnel tunnel list [--json]              saved tunnels
  stormtunnel tunnel remove <tunnel>            delete a saved tunnel (stops it first)
  stormtunnel tunnel run <id>                   run a tunnel worker in the foreground (what connect starts)

Environment: STORMTUNNEL_HOME (default ~/.config/stormtunnel), AWS_CONFIG_FILE, BROWSER.`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout(USAGE);
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(VERSION);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr(`stormtunnel: unknown command "${name}". Run stormtunnel --help.`);
    return 2;
  }
  return (await load())(args, io);
}

function run(): void {
  // The SDK's "future releases need Node 22" notice is for SDK upgraders; our SDK is locked, and the worker log and
  // terminal output should carry what a user can act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals += 1;
    // A second Ctrl-C means "now": do not wait for a graceful shutdown.
    if (signals > 1) process.exit(sig === "SIGINT" ? 130 : 143);
    controller.abort(sig);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const io: CliIo = {
    env: process.env,
    stdout: (line) => process.stdout.write(line + "\n"),
    stderr: (line) => process.stderr.write(line + "\n"),
    signal: controller.signal,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
      // Let stdout drain, then leave even if a library left a timer or socket behind.
      setTimeout(() => process.exit(code), 50).unref();
    },
    (err: unknown) => {
      process.stderr.write(`stormtunnel: ${explainError(err)}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) run();
