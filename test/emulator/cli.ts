// `npm run emulator`: the local AWS (SSO OIDC, portal, SSM, EC2, STS, data channel) plus loopback targets, standalone.
// Prints endpoints, instances, an example ~/.aws/config and the env vars to export; --endpoints-file writes them as
// JSON. The control endpoint (control.ts) lets scripts drive it; the stdin commands are for a terminal.
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { startControlServer, type ControlServer } from "./control";
import { ENDPOINT_NAMES } from "./endpoints";
import { startEmulator, type Emulator } from "./index";
import { AGENT_VERSIONS, type AgentMode, type EmulatorKnobs } from "./knobs";
import { startEchoServer, startHttpServer, type Target } from "./targets";

const HELP = `Usage: npm run emulator -- [options]

  --port N                      first of ${ENDPOINT_NAMES.length} consecutive ports, one per endpoint in this order:
                                ${ENDPOINT_NAMES.join(", ")} (default: free ones)
  --echo-port N, --http-port N  ports of the TCP echo and HTTP targets (default: free ones)
  --control-port N              port of the control endpoint scripts drive (default: a free one)
  --endpoints-file PATH         also write {${ENDPOINT_NAMES.join(", ")}, control, echoPort, httpPort}
                                as JSON (removed on exit)
  --verbose                     print every request (secrets redacted)

SSO (IAM Identity Center):
  --auto-approve                approve /authorize and device codes without a click
  --access-token-ttl S          access token lifetime (default 3600)
  --registration-ttl S          client registration lifetime (default 7776000 = 90 days)
  --idp-session-ttl S           portal sign-in session; refresh fails after it (default 28800 = 8 h)
  --device-code-ttl S           device code lifetime (default 600)
  --device-poll-interval S      polling interval handed to device-code clients (default 1)
  --no-rotate-refresh-tokens    keep the same refresh token on refresh (default: rotate)
  --oidc-delay MS               added latency for every OIDC call (default 0)

Session Manager agent:
  --agent-mode basic|mux-keepalive|mux   agent version preset (default mux = ${AGENT_VERSIONS.mux})
  --agent-version V             explicit agent version (overrides --agent-mode)
  --no-pacing                   send output flat out (default: the real agent's 1 KiB + 1 ms pacing, as against
                                AWS); for measuring the client's own cost
  --idle-timeout S              idle timeout before channel_closed (default 1200)
  --reversed-handshake-order    send HandshakeComplete before acking the HandshakeResponse

While running, type on stdin: pending | approve KEY | deny KEY | revoke | end-sessions | advance SECONDS | help
Scripts: the control endpoint (GET / on it lists every control; see test/emulator/README.md).
`;

const OPTIONS = {
  port: { type: "string" },
  "echo-port": { type: "string" },
  "http-port": { type: "string" },
  "control-port": { type: "string" },
  "endpoints-file": { type: "string" },
  verbose: { type: "boolean" },
  "auto-approve": { type: "boolean" },
  "access-token-ttl": { type: "string" },
  "registration-ttl": { type: "string" },
  "idp-session-ttl": { type: "string" },
  "device-code-ttl": { type: "string" },
  "device-poll-interval": { type: "string" },
  "no-rotate-refresh-tokens": { type: "boolean" },
  "oidc-delay": { type: "string" },
  "agent-mode": { type: "string" },
  "agent-version": { type: "string" },
  pacing: { type: "boolean" },
  "no-pacing": { type: "boolean" },
  "idle-timeout": { type: "string" },
  "reversed-handshake-order": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];

class UsageError extends Error {}

function int(values: Values, name: keyof Values, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== "string" || !Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${name} needs a whole number ${range}, got ${String(raw)}`);
  }
  return n;
}

function knobsFrom(values: Values): Partial<EmulatorKnobs> {
  const knobs: Partial<EmulatorKnobs> = {};
  const set = <K extends keyof EmulatorKnobs>(k: K, v: EmulatorKnobs[K] | undefined) => {
    if (v !== undefined) knobs[k] = v;
  };
  set("autoApprove", values["auto-approve"]);
  set("accessTokenTtlSeconds", int(values, "access-token-ttl", 1));
  set("registrationTtlSeconds", int(values, "registration-ttl", 1));
  set("idpSessionTtlSeconds", int(values, "idp-session-ttl", 1));
  set("deviceCodeTtlSeconds", int(values, "device-code-ttl", 1));
  set("devicePollIntervalSeconds", int(values, "device-poll-interval", 1));
  if (values["no-rotate-refresh-tokens"]) knobs.rotateRefreshTokens = false;
  set("oidcDelayMs", int(values, "oidc-delay"));
  const mode = values["agent-mode"];
  if (mode !== undefined) {
    if (!(mode in AGENT_VERSIONS))
      throw new UsageError(`--agent-mode must be one of ${Object.keys(AGENT_VERSIONS).join(", ")}`);
    knobs.agentVersion = AGENT_VERSIONS[mode as AgentMode];
  }
  const version = values["agent-version"];
  if (version !== undefined) {
    if (!/^\d+(\.\d+){3}$/.test(version)) throw new UsageError("--agent-version looks like 3.3.987.0");
    knobs.agentVersion = version;
  }
  if (values.pacing && values["no-pacing"]) throw new UsageError("--pacing and --no-pacing contradict each other");
  if (values["no-pacing"]) knobs.pacing = false;
  set("idleTimeoutSeconds", int(values, "idle-timeout", 1));
  set("reversedHandshakeOrder", values["reversed-handshake-order"]);
  return knobs;
}

function exampleConfig(): string {
  return `[sso-session emulator]
sso_start_url = https://d-0000000000.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile emulator-dev]
sso_session = emulator
sso_account_id = 111122223333
sso_role_name = Developer
region = us-east-1

[profile emulator-prod]
role_arn = arn:aws:iam::444455556666:role/TunnelOperator
source_profile = emulator-dev
region = us-east-1`;
}

function printBanner(emu: Emulator, control: ControlServer, echo: Target, http: Target): void {
  const env = emu.env();
  const e = emu.endpoints;
  const k = emu.knobs;
  const lines = [
    "StormTunnel emulator, one listener per AWS endpoint:",
    `  SSO OIDC ${e.ssoOidc}   portal ${e.sso}   SSM ${e.ssm}   EC2 ${e.ec2}   STS ${e.sts}`,
    `  data channel ${e.ssmmessages.replace(/^http/, "ws")}/v1/data-channel/<session>`,
    `  consent pages: ${e.ssoOidc}/authorize (PKCE), ${e.device}/ (device code)` +
      (emu.knobs.autoApprove ? "  [auto-approve on]" : ""),
    `  control ${control.url} (scripts: GET / lists every control)`,
    `Agent ${k.agentVersion}, ${k.pacing ? "paced like AWS (1 KiB + 1 ms)" : "unpaced (--no-pacing)"}. Instances:`,
    ...emu.directory.instances.map(
      (i) => `  ${i.instanceId}  ${(i.name ?? "").padEnd(12)} ${i.state}${i.online ? "" : ", not connected to SSM"}`,
    ),
    `Targets on 127.0.0.1: TCP echo ${echo.port}, HTTP ${http.port}`,
    "",
    "Example ~/.aws/config (use a temporary AWS_CONFIG_FILE to keep your own):",
    exampleConfig(),
    "",
    "Export:",
    ...Object.entries(env).map(([k, v]) => `export ${k}=${v}`),
    "",
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

function writeEndpointsFile(path: string, emu: Emulator, control: ControlServer, echo: Target, http: Target): void {
  const data = { ...emu.endpoints, control: control.url, echoPort: echo.port, httpPort: http.port };
  // Write then rename, so a script polling for the file never reads half of it.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(data, null, 2) + "\n");
  renameSync(tmp, path);
}

function command(emu: Emulator, line: string): string {
  const [cmd, arg] = line.trim().split(/\s+/);
  try {
    switch (cmd) {
      case "":
        return "";
      case "pending":
        return JSON.stringify(emu.oidc.pending());
      case "approve":
      case "deny":
        return JSON.stringify(emu.oidc[cmd](arg ?? ""));
      case "revoke":
        return `revoked ${emu.oidc.revokeRefreshTokens()} refresh token(s)`;
      case "end-sessions":
        return `ended ${emu.oidc.endIdpSessions()} sign-in session(s)`;
      case "advance":
        emu.clock.advance(Number(arg) * 1000);
        return `clock advanced ${Number(arg)} s`;
      default:
        return HELP.slice(HELP.indexOf("While running"));
    }
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

async function main(): Promise<void> {
  let values: Values;
  let knobs: Partial<EmulatorKnobs>;
  let ports: { emulator: number; echo: number; http: number; control: number };
  try {
    values = parseArgs({ options: OPTIONS, strict: true, allowPositionals: false }).values;
    knobs = knobsFrom(values);
    ports = {
      // The endpoints take one port each from --port on.
      emulator: int(values, "port", 0, 65535 - ENDPOINT_NAMES.length + 1) ?? 0,
      echo: int(values, "echo-port", 0, 65535) ?? 0,
      http: int(values, "http-port", 0, 65535) ?? 0,
      control: int(values, "control-port", 0, 65535) ?? 0,
    };
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const emu = await startEmulator({ knobs, ports: ports.emulator });
  const echo = await startEchoServer(ports.echo);
  const http = await startHttpServer(ports.http);
  const control = await startControlServer(emu, ports.control);
  const endpointsFile = values["endpoints-file"];
  if (endpointsFile) writeEndpointsFile(endpointsFile, emu, control, echo, http);
  printBanner(emu, control, echo, http);

  let printed = 0;
  const verbose = values.verbose
    ? setInterval(() => {
        for (; printed < emu.log.length; printed++) process.stderr.write(`${JSON.stringify(emu.log[printed])}\n`);
      }, 200)
    : undefined;

  const rl = process.stdin.isTTY ? createInterface({ input: process.stdin }) : undefined;
  rl?.on("line", (line) => {
    const out = command(emu, line);
    if (out) process.stdout.write(`${out}\n`);
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping emulator\n`);
    if (verbose) clearInterval(verbose);
    rl?.close();
    if (endpointsFile) rmSync(endpointsFile, { force: true });
    await Promise.allSettled([control.close(), echo.close(), http.close(), emu.close()]);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

void main().catch((err: unknown) => {
  process.stderr.write(`emulator failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
