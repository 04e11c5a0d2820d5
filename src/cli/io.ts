// What a CLI subcommand gets: arguments, output streams and the environment (all injectable for tests).
import type { Env } from "../lib/home";

export interface CliIo {
  env: Env;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
}

/** A subcommand: returns the process exit code. */
export type CliCommand = (args: string[], io: CliIo) => Promise<number>;
