// What every phase of a tunnel worker shares: the tunnel, its state file, its sign-in, its listener and the session
// backend. Built once by prepare(); the phases (sign in, open session, serve, recover, stop) read it.
import type { Env } from "../../home";
import type { TunnelDefinition } from "../definition";
import type { AuthWatch } from "./auth-watch";
import type { LocalListener } from "./local-listener";
import type { RetryPolicy } from "./retry-policy";
import type { SessionBackend } from "./session-backend";
import type { StateWriter } from "./state-writer";
import type { Traffic } from "./traffic";
import type { TunnelAuth } from "./tunnel-auth";

export interface WorkerContext {
  env: Env;
  def: TunnelDefinition;
  /** Aborted on SIGTERM/SIGINT: every phase ends and stop() terminates the session. */
  signal: AbortSignal;
  /** Aborts SSM calls under way a moment after `signal` (retry.startGraceMs): a session being opened is still learned. */
  callSignal: AbortSignal;
  /** Rate-limited (repeated lines are counted) and rotated by size; closeLog() writes the last counts. */
  log: (line: string) => void;
  closeLog: () => void;
  retry: RetryPolicy;
  random: () => number;
  writer: StateWriter;
  auth: TunnelAuth;
  authWatch: AuthWatch;
  listener: LocalListener;
  backend: SessionBackend;
  traffic: Traffic;
}
