// End-to-end harness: the emulator, real loopback targets, a temp HOME with an SSO profile and a seeded token, and
// the real worker bundle started through the supervisor (double fork) exactly as Raycast and the CLI start it.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execFile } from "node:child_process";
import { groupFor, loadAwsConfig } from "../../src/lib/aws";
import { writeSeededToken } from "../emulator/support/seeded-token";
import { saveTunnel } from "../../src/lib/tunnels/store";
import type { TunnelDefinition } from "../../src/lib/tunnels/definition";
import { logPath, readState, type TunnelState, type TunnelStatus } from "../../src/lib/tunnels/state";
import type { SsmSession } from "../emulator/ssm/sessions";
import { startTunnel, stopTunnel } from "../../src/lib/tunnels/supervisor";
import { startEmulator, type Emulator, type EmulatorOptions } from "../emulator";
import { startEchoServer, startHttpServer, type Target } from "../emulator/targets";
import { freePort, killGroup, tempEnv, waitFor, type TempEnv } from "../tunnels/helpers";

export const INSTANCE = "i-0123456789abcdef0";
const ROOT = resolve(__dirname, "..", "..");

let bundlePromise: Promise<string> | undefined;

/** The worker bundle as shipped (scripts/build-worker.mjs, minified), built once per test file into a temp dir. */
export function workerBundle(): Promise<string> {
  bundlePromise ??= new Promise((resolvePath, reject) => {
    const out = join(mkdtempSync(join(tmpdir(), "stormtunnel-bundle-")), "stormtunnel.js");
    execFile(process.execPath, [join(ROOT, "scripts", "build-worker.mjs"), "--outfile", out], (err, _o, stderr) =>
      err ? reject(new Error(`build-worker failed: ${stderr}`)) : resolvePath(out),
    );
  });
  return bundlePromise;
}

export interface World {
  emu: Emulator;
  echo: Target;
  http: Target;
  t: TempEnv;
  env: Record<string, string>;
  pids: Set<number>;
  define(fields?: Partial<TunnelDefinition>): Promise<TunnelDefinition>;
  start(def: TunnelDefinition): Promise<number>;
  waitStatus(id: string, status: TunnelStatus | TunnelStatus[], timeoutMs?: number): Promise<TunnelState>;
  /** The sessions a tunnel started (StartSession calls the emulator answered), oldest first. */
  sessionsOf(def: TunnelDefinition): SsmSession[];
  /** The worker's log lines. */
  logLines(id: string): string[];
  seedToken(): Promise<void>;
  tokenFile(): Promise<string>;
  close(): Promise<void>;
}

export async function createWorld(
  options: EmulatorOptions = {},
  extraEnv: Record<string, string> = {},
): Promise<World> {
  const emu = await startEmulator(options);
  const [echo, http] = await Promise.all([startEchoServer(), startHttpServer()]);
  const bundle = await workerBundle();
  const t = tempEnv({
    ...emu.env(),
    STORMTUNNEL_WORKER_COMMAND: JSON.stringify([process.execPath, bundle]),
    STORMTUNNEL_RETRY_INITIAL_MS: "100",
    STORMTUNNEL_RETRY_MAX_MS: "500",
    STORMTUNNEL_ERROR_AFTER_MS: "1500",
    STORMTUNNEL_CHECK_INTERVAL_MS: "500",
    ...extraEnv,
  });
  const env = t.env;
  mkdirSync(join(t.dir, ".aws"), { recursive: true });
  writeFileSync(
    env.AWS_CONFIG_FILE,
    [
      "[sso-session corp]",
      "sso_start_url = https://d-0000000000.awsapps.com/start",
      "sso_region = us-east-1",
      "sso_registration_scopes = sso:account:access",
      "",
      "[profile dev]",
      "sso_session = corp",
      "sso_account_id = 111122223333",
      "sso_role_name = Developer",
      "region = us-east-1",
      "",
      "[profile readonly]",
      "sso_session = corp",
      "sso_account_id = 111122223333",
      "sso_role_name = ReadOnly",
      "region = us-east-1",
      "",
    ].join("\n"),
  );
  const pids = new Set<number>();
  let n = 0;

  const world: World = {
    emu,
    echo,
    http,
    t,
    env,
    pids,
    async define(fields = {}) {
      n += 1;
      return saveTunnel(env, {
        name: `tunnel-${n}`,
        profile: "dev",
        target: INSTANCE,
        remotePort: echo.port,
        localPort: await freePort(),
        bindAddress: "127.0.0.1",
        autoReconnect: true,
        ...fields,
      });
    },
    async start(def) {
      const { pid } = await startTunnel(def, { env });
      pids.add(pid);
      return pid;
    },
    async waitStatus(id, status, timeoutMs = 15_000) {
      const wanted = Array.isArray(status) ? status : [status];
      return waitFor(() => {
        const s = readState(env, id);
        return s && wanted.includes(s.status) ? s : undefined;
      }, timeoutMs).catch(() => {
        throw new Error(`tunnel ${id} never reached ${wanted.join("/")}: ${JSON.stringify(readState(env, id))}`);
      });
    },
    sessionsOf(def) {
      return [...emu.ssm.sessions.values()].filter((s) => s.properties.localPortNumber === String(def.localPort));
    },
    logLines(id) {
      try {
        return readFileSync(logPath(env, id), "utf8").split("\n").filter(Boolean);
      } catch {
        return [];
      }
    },
    async tokenFile() {
      const config = await loadAwsConfig({ env });
      return groupFor(config, "dev")!.tokenCacheFile;
    },
    async seedToken() {
      await writeSeededToken(emu, await world.tokenFile());
    },
    async close() {
      const { readdirSync } = await import("node:fs");
      const stateDir = join(env.STORMTUNNEL_HOME, "state");
      let ids: string[] = [];
      try {
        ids = readdirSync(stateDir)
          .filter((f) => f.endsWith(".json"))
          .map((f) => f.slice(0, -5));
      } catch {
        // nothing started
      }
      for (const id of ids) await stopTunnel(id, { env, stopTimeoutMs: 3000 }).catch(() => undefined);
      for (const pid of pids) killGroup(pid);
      await Promise.all([echo.close(), http.close()]);
      await emu.close();
      t.cleanup();
    },
  };
  return world;
}
