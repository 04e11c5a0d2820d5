// A saved tunnel: what to forward where, and with which profile. Shared by the Raycast UI and the CLI.
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";

export interface TunnelDefinition {
  /** Stable id (state files and logs are keyed by it); names can be renamed. */
  id: string;
  /** Unique, human-facing name (case-insensitive): `stormtunnel connect <name>`. */
  name: string;
  /** Profile from ~/.aws/config whose credentials start the session. */
  profile: string;
  /** Region override; otherwise the profile's region. */
  region?: string;
  /** EC2 instance (i-…) or managed instance (mi-…) running the SSM agent. */
  target: string;
  /** Forward through the target to this host (e.g. an RDS endpoint); absent = the target itself. */
  remoteHost?: string;
  remotePort: number;
  localPort: number;
  /** Local listen address; loopback unless the user opts into more. */
  bindAddress: string;
  autoReconnect: boolean;
  /**
   * Session Manager sessions the tunnel keeps open to the target (a pool): new local connections go to the least
   * loaded one. Absent = 1. Each is a session of its own in AWS (session history, logging, quotas).
   */
  sessions?: number;
}

export type TunnelField = keyof TunnelDefinition;
export type TunnelErrors = Partial<Record<TunnelField, string>>;

/** Raw values from a form (strings) or a JSON file (anything): validation turns them into a definition. */
export type TunnelInput = { [K in TunnelField]?: unknown };

export type TunnelValidation = { ok: true; value: TunnelDefinition } | { ok: false; errors: TunnelErrors };

export const DEFAULT_BIND_ADDRESS = "127.0.0.1";
export const MAX_NAME_LENGTH = 64;
/** Each pool member is a Session Manager session of its own in AWS; 8 covers a desktop's parallel transfers. */
export const MAX_SESSIONS = 8;

const INSTANCE_ID = /^(i|mi)-([0-9a-f]{8}|[0-9a-f]{17})$/;
const TUNNEL_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Short random id: readable in file names and `stormtunnel status`. */
export function newTunnelId(): string {
  return `t-${randomBytes(5).toString("hex")}`;
}

/** True for a DNS name (RFC 1123 labels) whose last label is not all digits, so "999.1.1.1" is not a name. */
export function isDnsName(value: string): boolean {
  const name = value.endsWith(".") ? value.slice(0, -1) : value;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split(".");
  if (!labels.every((label) => DNS_LABEL.test(label))) return false;
  return !/^\d+$/.test(labels[labels.length - 1]);
}

/** DNS name, IPv4 or IPv6 literal (brackets allowed around IPv6). */
export function isHost(value: string): boolean {
  const unbracketed = value.startsWith("[") && value.endsWith("]") ? value.slice(1, -1) : value;
  return isIP(unbracketed) !== 0 || isDnsName(value);
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value.trim() || undefined;
  if (typeof value === "number") return String(value);
  return undefined;
}

function port(value: unknown, label: string, errors: TunnelErrors, field: TunnelField): number {
  const raw = typeof value === "string" ? value.trim() : value;
  if (raw === undefined || raw === null || raw === "") {
    errors[field] = `${label} is required`;
    return 0;
  }
  const n = typeof raw === "number" ? raw : /^\d+$/.test(String(raw)) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    errors[field] = `${label} must be a whole number from 1 to 65535`;
    return 0;
  }
  return n;
}

/** The pool size: 1 to MAX_SESSIONS, from a number or a form's string; absent or empty = 1. */
function sessionCount(value: unknown, errors: TunnelErrors): number {
  const raw = typeof value === "string" ? value.trim() : value;
  if (raw === undefined || raw === null || raw === "") return 1;
  const n = typeof raw === "number" ? raw : /^\d+$/.test(String(raw)) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_SESSIONS) {
    errors.sessions = `Sessions must be a whole number from 1 to ${MAX_SESSIONS}`;
    return 1;
  }
  return n;
}

/** How many sessions a tunnel keeps open. */
export function poolSize(def: Pick<TunnelDefinition, "sessions">): number {
  return def.sessions ?? 1;
}

/**
 * Checks and normalises one tunnel. `existing` enables the unique-name check (the tunnel itself, by id, is ignored).
 * A missing id gets a fresh one, so a form's values validate straight into a savable definition.
 */
export function validateTunnel(input: TunnelInput, existing: readonly TunnelDefinition[] = []): TunnelValidation {
  const errors: TunnelErrors = {};

  const id = text(input.id) ?? newTunnelId();
  if (!TUNNEL_ID.test(id)) errors.id = "Id may only contain lowercase letters, digits, - and _ (at most 64)";

  const name = text(input.name) ?? "";
  if (!name) errors.name = "Name is required";
  else if (name.length > MAX_NAME_LENGTH) errors.name = `Name must be at most ${MAX_NAME_LENGTH} characters`;
  else if (CONTROL_CHARS.test(name)) errors.name = "Name must not contain control characters";
  else if (existing.some((t) => t.id !== id && t.name.toLowerCase() === name.toLowerCase()))
    errors.name = `A tunnel named "${name}" already exists`;

  const profile = text(input.profile) ?? "";
  if (!profile) errors.profile = "Choose a profile";
  else if (/\s/.test(profile)) errors.profile = "Profile names contain no spaces";

  const region = text(input.region)?.toLowerCase();
  if (region && !REGION.test(region)) errors.region = `"${region}" is not an AWS region (e.g. eu-west-1)`;

  const target = text(input.target)?.toLowerCase() ?? "";
  if (!target) errors.target = "Target instance id is required";
  else if (!INSTANCE_ID.test(target))
    errors.target =
      "Target must be an instance id: i- or mi- followed by 8 or 17 hex digits (e.g. i-0123456789abcdef0)";

  const remoteHost = text(input.remoteHost);
  if (remoteHost && !isHost(remoteHost))
    errors.remoteHost = `"${remoteHost}" is not a host name or IP address (e.g. db.example.internal)`;

  const remotePort = port(input.remotePort, "Remote port", errors, "remotePort");
  const localPort = port(input.localPort, "Local port", errors, "localPort");

  const bindAddress = text(input.bindAddress) ?? DEFAULT_BIND_ADDRESS;
  if (isIP(bindAddress) === 0) errors.bindAddress = "Bind address must be an IP address (e.g. 127.0.0.1 or ::1)";

  let autoReconnect = true;
  if (typeof input.autoReconnect === "boolean") autoReconnect = input.autoReconnect;
  else if (input.autoReconnect !== undefined && input.autoReconnect !== null)
    errors.autoReconnect = "Auto-reconnect must be true or false";

  const sessions = sessionCount(input.sessions, errors);

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  // Field order is the file's order: keeps tunnels.json diffs readable.
  const value: TunnelDefinition = {
    id,
    name,
    profile,
    ...(region ? { region } : {}),
    target,
    ...(remoteHost ? { remoteHost } : {}),
    remotePort,
    localPort,
    bindAddress,
    autoReconnect,
    ...(sessions > 1 ? { sessions } : {}),
  };
  return { ok: true, value };
}

/** One line per field, for CLI output and toasts. */
export function describeErrors(errors: TunnelErrors): string {
  return Object.values(errors).join("; ");
}

/** Thrown by the store when a definition does not validate; carries the per-field messages. */
export class TunnelValidationError extends Error {
  constructor(readonly errors: TunnelErrors) {
    super(`Invalid tunnel: ${describeErrors(errors)}`);
    this.name = "TunnelValidationError";
  }
}
