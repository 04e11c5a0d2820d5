// Saved tunnels: <stormtunnelHome>/tunnels.json, versioned, written atomically, shared by Raycast and the CLI.
import { readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { ensureStormtunnelHome, stormtunnelHome, type Env } from "../home";
import { TunnelValidationError, describeErrors, validateTunnel, type TunnelDefinition } from "./definition";
import { writeFileAtomic } from "../atomic-file";
import { withFileLock } from "../lock";
import { isoTime } from "../iso-time";

export const TUNNELS_FILE = "tunnels.json";
export const TUNNELS_VERSION = 1;

/** The file format; also the shape a future export/import uses (definitions hold no secrets). */
export interface TunnelsDocument {
  version: typeof TUNNELS_VERSION;
  tunnels: TunnelDefinition[];
}

export interface LoadedTunnels {
  tunnels: TunnelDefinition[];
  /** Human-readable: what was skipped or set aside and why. Empty when all is well. */
  problems: string[];
}

interface ParsedDocument extends LoadedTunnels {
  /** Entries that failed validation: kept verbatim on save so a hand-edit typo never deletes a tunnel. */
  invalid: unknown[];
}

export function tunnelsFile(env: Env): string {
  return join(stormtunnelHome(env), TUNNELS_FILE);
}

export function serializeTunnels(tunnels: readonly unknown[]): string {
  return JSON.stringify({ version: TUNNELS_VERSION, tunnels }, null, 2) + "\n";
}

/** Thrown when the file is from a newer StormTunnel: reading is refused rather than guessing, and so is writing. */
export class UnsupportedTunnelsVersionError extends Error {
  constructor(
    readonly file: string,
    readonly version: unknown,
  ) {
    super(
      `${file} has format version ${String(version)}; this StormTunnel reads version ${TUNNELS_VERSION}. Update StormTunnel.`,
    );
    this.name = "UnsupportedTunnelsVersionError";
  }
}

class CorruptTunnelsError extends Error {}

/** Parses a tunnels document; throws CorruptTunnelsError for anything that is not one. */
export function parseTunnelsDocument(json: string, file = TUNNELS_FILE): ParsedDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    throw new CorruptTunnelsError(`not valid JSON (${(e as Error).message})`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new CorruptTunnelsError("not a JSON object");
  const { version, tunnels } = doc as { version?: unknown; tunnels?: unknown };
  if (typeof version === "number" && version > TUNNELS_VERSION) throw new UnsupportedTunnelsVersionError(file, version);
  if (version !== TUNNELS_VERSION) throw new CorruptTunnelsError(`unknown format version ${JSON.stringify(version)}`);
  if (!Array.isArray(tunnels)) throw new CorruptTunnelsError(`"tunnels" is not a list`);

  const result: ParsedDocument = { tunnels: [], problems: [], invalid: [] };
  tunnels.forEach((entry, index) => {
    const checked =
      typeof entry === "object" && entry !== null
        ? validateTunnel(entry as Record<string, unknown>, result.tunnels)
        : ({ ok: false, errors: { id: "not an object" } } as const);
    const label = `tunnel #${index + 1}${nameOf(entry)}`;
    if (checked.ok && !result.tunnels.some((t) => t.id === checked.value.id)) {
      result.tunnels.push(checked.value);
    } else {
      result.invalid.push(entry);
      const why = checked.ok ? `duplicate id "${checked.value.id}"` : describeErrors(checked.errors);
      result.problems.push(`${file}: ${label} skipped: ${why}`);
    }
  });
  return result;
}

function nameOf(entry: unknown): string {
  const name = (entry as { name?: unknown } | null)?.name;
  return typeof name === "string" && name ? ` ("${name}")` : "";
}

function timestamp(): string {
  return isoTime().replace(/[:.]/g, "-");
}

/**
 * Reads the file. A corrupt file yields no tunnels plus a problem; with `setAside` (writers only) it is first renamed
 * to tunnels.json.corrupt-<ts>, so a save never overwrites what the user might still repair.
 */
async function readDocument(env: Env, setAside: boolean): Promise<ParsedDocument> {
  const file = tunnelsFile(env);
  let json: string;
  try {
    json = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { tunnels: [], problems: [], invalid: [] };
    throw e;
  }
  try {
    return parseTunnelsDocument(json, file);
  } catch (e) {
    if (!(e instanceof CorruptTunnelsError)) throw e;
    if (!setAside) {
      const problem = `${file} could not be read (${e.message}). Repair it, or save a tunnel to start a new list (the broken file is then kept as ${TUNNELS_FILE}.corrupt-<time>).`;
      return { tunnels: [], invalid: [], problems: [problem] };
    }
    const aside = `${file}.corrupt-${timestamp()}`;
    await rename(file, aside);
    return {
      tunnels: [],
      invalid: [],
      problems: [`${file} could not be read (${e.message}); it was kept as ${aside}.`],
    };
  }
}

async function writeDocument(env: Env, tunnels: readonly unknown[]): Promise<void> {
  const file = join(ensureStormtunnelHome(env), TUNNELS_FILE);
  await writeFileAtomic(file, serializeTunnels(tunnels), { mode: 0o600 });
}

const LOCK_WAIT_MS = 5_000;

/** Serialises read-modify-write between Raycast and CLI processes; a dead holder's lock is broken at once. */
function withLock<T>(env: Env, fn: () => Promise<T>): Promise<T> {
  const lock = join(ensureStormtunnelHome(env), `${TUNNELS_FILE}.lock`);
  return withFileLock(lock, fn, { timeoutMs: LOCK_WAIT_MS, staleMs: 10_000 });
}

/** All saved tunnels. A missing file is an empty list; a corrupt or too-new one is reported in `problems`. */
export async function loadTunnels(env: Env): Promise<LoadedTunnels> {
  try {
    const { tunnels, problems } = await readDocument(env, false);
    return { tunnels, problems };
  } catch (e) {
    if (e instanceof UnsupportedTunnelsVersionError) return { tunnels: [], problems: [e.message] };
    throw e;
  }
}

/** Adds or replaces (by id) one tunnel after validating it against the others. Returns the normalised definition. */
export async function saveTunnel(env: Env, def: TunnelDefinition | Record<string, unknown>): Promise<TunnelDefinition> {
  return withLock(env, async () => {
    const doc = await readDocument(env, true);
    const checked = validateTunnel(def, doc.tunnels);
    if (!checked.ok) throw new TunnelValidationError(checked.errors);
    const tunnel = checked.value;
    const index = doc.tunnels.findIndex((t) => t.id === tunnel.id);
    const tunnels = index >= 0 ? doc.tunnels.map((t, i) => (i === index ? tunnel : t)) : [...doc.tunnels, tunnel];
    await writeDocument(env, [...tunnels, ...doc.invalid]);
    return tunnel;
  });
}

/** Removes a tunnel by id; false when there was none. */
export async function removeTunnel(env: Env, id: string): Promise<boolean> {
  return withLock(env, async () => {
    const doc = await readDocument(env, false);
    const tunnels = doc.tunnels.filter((t) => t.id !== id);
    if (tunnels.length === doc.tunnels.length) return false;
    await writeDocument(env, [...tunnels, ...doc.invalid]);
    return true;
  });
}

/** By exact id first, then by name (names are unique ignoring case). */
export async function findTunnel(env: Env, idOrName: string): Promise<TunnelDefinition | undefined> {
  const { tunnels } = await loadTunnels(env);
  const key = idOrName.trim();
  return tunnels.find((t) => t.id === key) ?? tunnels.find((t) => t.name.toLowerCase() === key.toLowerCase());
}
