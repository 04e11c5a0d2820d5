// How a tunnel worker is started: by `stormtunnel tunnel run <id>`, or by a test with its own clock and backend.
import type { Env } from "../../home";
import type { OpenBrowser } from "../../sso/login/browser";
import type { TunnelDefinition } from "../definition";
import type { AwsCalls } from "./aws-calls/calls";
import type { RetryPolicy } from "./retry-policy";
import type { SessionBackend } from "./session-backend";
import type { TunnelAuth } from "./tunnel-auth";

export interface WorkerOptions {
  env: Env;
  id: string;
  /** Aborted on SIGTERM/SIGINT: terminate the session and exit. */
  signal: AbortSignal;
  log?: (line: string) => void;
  now?: () => Date;
  random?: () => number;
  retry?: RetryPolicy;
  openBrowser?: OpenBrowser;
  backend?: (auth: TunnelAuth, def: TunnelDefinition) => SessionBackend;
  /** Where AWS calls run; default: a helper process started on demand (`stormtunnel aws-helper`). */
  aws?: AwsCalls;
}
