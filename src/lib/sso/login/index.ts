// Login for an SSO session: one at a time per session, in this process (single-flight: every caller joins the
// same flight) and across processes (lock + progress file: a second process follows the first one's login
// instead of opening another browser tab).
import type { SsoSessionGroup } from "../../aws";
import { resolveEndpoints } from "../../aws/sdk-config";
import type { AwsEndpoints } from "../../aws/types";
import { stormtunnelHome, type Env } from "../../home";
import { defaultOpenBrowser, type OpenBrowser } from "./browser";
import { SsoError } from "../errors";
import { abortableSleep } from "../../abortable-sleep";
import { acquireFileLock } from "../../lock";
import { cancelled } from "./errors";
import { isLiveLogin, isTerminal, loginLockFile, readLoginProgress, type LoginProgress } from "./state";
import { runLogin } from "./run";
import type { PkceRandom } from "./pkce";
import { readToken, type CachedToken } from "../token-cache";

export type { LoginProgress } from "./state";

export interface LoginOptions {
  env: Env;
  method?: "pkce" | "device-code";
  /** Defaults to $BROWSER, else `open` / `xdg-open`. */
  openBrowser?: OpenBrowser;
  /** Do not open a browser: only publish the URL / code (--no-browser). */
  noBrowser?: boolean;
  onProgress?: (p: LoginProgress) => void;
  signal?: AbortSignal;
  endpoints?: AwsEndpoints;
  now?: () => number;
  /** How long to wait for the user; default 10 minutes. */
  timeoutMs?: number;
  /** Device-flow polling sleep (tests advance the emulator clock instead of waiting). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: PkceRandom;
}

export const LOGIN_TIMEOUT_MS = 10 * 60_000;
const FOLLOW_POLL_MS = 200;

interface Flight {
  promise: Promise<CachedToken>;
  controller: AbortController;
  listeners: Set<(p: LoginProgress) => void>;
  last?: LoginProgress;
  callers: number;
}

const flights = new Map<string, Flight>();

/** Logs in to the session (always a fresh login, as `aws sso login` does) and returns the token now on disk. */
export function login(group: SsoSessionGroup, opts: LoginOptions): Promise<CachedToken> {
  const key = `${stormtunnelHome(opts.env)}\0${group.tokenCacheFile}`;
  let flight = flights.get(key);
  if (!flight) {
    const controller = new AbortController();
    const listeners = new Set<(p: LoginProgress) => void>();
    const f: Flight = {
      controller,
      listeners,
      callers: 0,
      promise: Promise.resolve() as unknown as Promise<CachedToken>,
    };
    const publish = (p: LoginProgress) => {
      f.last = p;
      for (const l of listeners) l(p);
    };
    f.promise = loginAcrossProcesses(group, opts, controller.signal, publish).finally(() => flights.delete(key));
    flights.set(key, (flight = f));
  }
  return join(flight, opts);
}

/** A caller's view of a flight: its own progress listener and its own cancellation. */
function join(flight: Flight, opts: LoginOptions): Promise<CachedToken> {
  flight.callers++;
  const listener = opts.onProgress;
  if (listener) {
    flight.listeners.add(listener);
    if (flight.last) listener(flight.last);
  }
  return new Promise<CachedToken>((resolve, reject) => {
    const leave = () => {
      if (listener) flight.listeners.delete(listener);
      opts.signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      leave();
      if (--flight.callers > 0) return reject(cancelled());
      // The last interested caller gone: stop the login itself, and return once it has wound down
      // (progress file says cancelled, listener closed).
      flight.controller.abort();
      flight.promise.then(
        () => reject(cancelled()),
        () => reject(cancelled()),
      );
    };
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    flight.promise.then(
      (t) => {
        if (opts.signal?.aborted) return;
        leave();
        resolve(t);
      },
      (e) => {
        if (opts.signal?.aborted) return;
        leave();
        reject(e);
      },
    );
  });
}

async function loginAcrossProcesses(
  group: SsoSessionGroup,
  opts: LoginOptions,
  signal: AbortSignal,
  publish: (p: LoginProgress) => void,
): Promise<CachedToken> {
  const now = opts.now ?? Date.now;
  const requestedAt = Date.now();
  const lockPath = loginLockFile(opts.env, group);
  let followed: string | undefined;
  for (;;) {
    if (signal.aborted) throw cancelled();
    const lock = await acquireFileLock(lockPath, { timeoutMs: 0, signal });
    if (lock) {
      try {
        // Another process may have finished a login while we waited for its lock: adopt its result.
        const finished = await resultOfOtherLogin(opts.env, group, requestedAt);
        if (finished) return finished;
        return await runLogin(group, {
          env: opts.env,
          // Legacy start-URL profiles too (the CLI forces the device flow on them; PKCE works the same).
          method: opts.method ?? "pkce",
          openBrowser: opts.noBrowser ? undefined : (opts.openBrowser ?? defaultOpenBrowser(opts.env)),
          endpoints: resolveEndpoints(opts.endpoints, opts.env, group),
          signal,
          now,
          sleep: opts.sleep ?? abortableSleep,
          random: opts.random,
          timeoutMs: opts.timeoutMs ?? LOGIN_TIMEOUT_MS,
          publish,
        });
      } finally {
        await lock.release();
      }
    }
    // Someone else holds the lock: follow its progress so our caller sees the same URL / code.
    const other = await readLoginProgress(opts.env, group);
    if (other && other.pid !== process.pid && isLiveLogin(other)) {
      const fingerprint = JSON.stringify(other);
      if (fingerprint !== followed) publish(other);
      followed = fingerprint;
    }
    const finished = await resultOfOtherLogin(opts.env, group, requestedAt);
    if (finished) return finished;
    await abortableSleep(FOLLOW_POLL_MS, signal);
  }
}

/** A login another process finished after we asked: its token (succeeded) or its error (failed / cancelled). */
async function resultOfOtherLogin(env: Env, group: SsoSessionGroup, since: number): Promise<CachedToken | undefined> {
  const p = await readLoginProgress(env, group);
  if (!p || p.pid === process.pid || !isTerminal(p.status) || Date.parse(p.updatedAt) < since) return undefined;
  if (p.status === "succeeded") {
    const read = await readToken(group.tokenCacheFile);
    if (read.state === "ok") return read.token;
    return undefined;
  }
  const kind = (p.errorKind as SsoError["kind"]) ?? (p.status === "cancelled" ? "cancelled" : "config");
  throw new SsoError(kind, p.error ?? `The login in process ${p.pid} ${p.status}.`, { code: "OtherProcess" });
}
