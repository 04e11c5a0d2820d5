// The macOS Keychain through /usr/bin/security. Secrets travel only on stdin (`security -i`), never in argv where
// `ps` shows them; item names (service, account, label) are not secret and may appear in argv for reads/deletes.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import type { Env } from "../../home";

export const DEFAULT_SECURITY_PATH = "/usr/bin/security";
/** `security -i` reads about 4 KiB per line (4096 - 64); tools that cross it silently lose data. */
export const SECURITY_LINE_LIMIT = 4032;

const EXIT_NOT_FOUND = 44;
const EXIT_LOCKED = 36;

export interface KeychainDeps {
  /** Path of the `security` binary; tests point it at a fake. */
  securityPath?: string;
  /** Environment for the child (never carries secrets). */
  env?: Env;
  timeoutMs?: number;
}

/** The keychain is locked or interaction is not allowed (exit 36): the mirror pauses, nothing else fails. */
export class KeychainUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeychainUnavailableError";
  }
}

export const KEYCHAIN_LOCKED_MESSAGE =
  "The macOS Keychain is locked (or cannot prompt), so the Keychain copy of SSO tokens is paused until it is unlocked.";

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Generic-password items of one service, addressed by account. */
export class Keychain {
  /** Set once the keychain reports it is locked; further calls fail fast with the same reason. */
  unavailable?: string;
  private readonly securityPath: string;

  constructor(
    readonly service: string,
    private readonly deps: KeychainDeps = {},
  ) {
    this.securityPath = deps.securityPath ?? DEFAULT_SECURITY_PATH;
  }

  /**
   * Stores `value` (UTF-8) under `account`. Written as hex with -X on security's stdin, so no quoting problem and no
   * secret in argv. Values whose line would pass the stdin limit are split over `<account>#part<i>` items.
   */
  async set(account: string, label: string, value: string): Promise<void> {
    const whole = this.addLine(account, label, value);
    if (whole.length <= SECURITY_LINE_LIMIT) {
      await this.stdinCommand(whole);
      return;
    }
    const room = SECURITY_LINE_LIMIT - this.addLine(partAccount(account, 99), label, "").length;
    const chunk = Math.floor(room / 2); // hex doubles each byte; chunks are split on characters below
    const parts = splitUtf8(value, chunk);
    for (let i = 0; i < parts.length; i++)
      await this.stdinCommand(this.addLine(partAccount(account, i + 1), label, parts[i]));
    const head: PartsHeader = { stormtunnelParts: parts.length, sha256: sha256(value) };
    await this.stdinCommand(this.addLine(account, label, JSON.stringify(head)));
  }

  /** The stored value, or undefined when there is no such item. */
  async get(account: string): Promise<string | undefined> {
    const head = await this.find(account);
    if (head === undefined) return undefined;
    const parts = partsHeader(head);
    if (!parts) return head;
    let value = "";
    for (let i = 1; i <= parts.stormtunnelParts; i++) {
      const part = await this.find(partAccount(account, i));
      if (part === undefined) return undefined;
      value += part;
    }
    return sha256(value) === parts.sha256 ? value : undefined;
  }

  /** Removes the item (and any parts); false when there was nothing to remove. */
  async delete(account: string): Promise<boolean> {
    const existed = await this.deleteOne(account);
    for (let i = 1; i < 64; i++) if (!(await this.deleteOne(partAccount(account, i)))) break;
    return existed;
  }

  private addLine(account: string, label: string, value: string): string {
    const hex = Buffer.from(value, "utf8").toString("hex");
    return `add-generic-password -U -a ${quote(account)} -s ${quote(this.service)} -l ${quote(label)} -X ${hex}`;
  }

  private async find(account: string): Promise<string | undefined> {
    const r = await this.run(["find-generic-password", "-a", account, "-s", this.service, "-w"]);
    if (r.code === EXIT_NOT_FOUND) return undefined;
    this.check(r, "read");
    return decodeFound(r.stdout);
  }

  private async deleteOne(account: string): Promise<boolean> {
    const r = await this.run(["delete-generic-password", "-a", account, "-s", this.service]);
    if (r.code === EXIT_NOT_FOUND) return false;
    this.check(r, "delete");
    return true;
  }

  private async stdinCommand(line: string): Promise<void> {
    if (line.length > SECURITY_LINE_LIMIT) throw new Error("internal: keychain command line over the stdin limit");
    this.check(await this.run(["-i"], `${line}\n`), "write");
  }

  private check(r: RunResult, what: string): void {
    if (r.code === 0) return;
    if (r.code === EXIT_LOCKED) {
      this.unavailable = KEYCHAIN_LOCKED_MESSAGE;
      throw new KeychainUnavailableError(KEYCHAIN_LOCKED_MESSAGE);
    }
    throw new Error(`Keychain ${what} failed (security exit ${r.code}): ${scrub(r.stderr)}`);
  }

  private run(args: string[], stdin?: string): Promise<RunResult> {
    if (this.unavailable) return Promise.reject(new KeychainUnavailableError(this.unavailable));
    return new Promise((resolve, reject) => {
      const child = spawn(this.securityPath, args, {
        env: (this.deps.env ?? process.env) as NodeJS.ProcessEnv,
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      const timer = setTimeout(() => child.kill("SIGKILL"), this.deps.timeoutMs ?? 10_000);
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      child.stdin.on("error", () => undefined); // a child that exits early must not crash us with EPIPE
      child.on("error", (err) => {
        clearTimeout(timer);
        reject(new Error(`Cannot run ${this.securityPath}: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
      });
      child.stdin.end(stdin ?? "");
    });
  }
}

interface PartsHeader {
  stormtunnelParts: number;
  sha256: string;
}

function partsHeader(value: string): PartsHeader | undefined {
  if (!value.startsWith('{"stormtunnelParts"')) return undefined;
  try {
    const h = JSON.parse(value) as PartsHeader;
    return Number.isInteger(h.stormtunnelParts) && typeof h.sha256 === "string" ? h : undefined;
  } catch {
    return undefined;
  }
}

function partAccount(account: string, i: number): string {
  return `${account}#part${i}`;
}

/** Double-quoted for security's interactive tokenizer; a line break would start a second command, so refuse it. */
export function quote(s: string): string {
  if ([...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    throw new Error("Keychain item names cannot contain control characters");
  }
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** `find-generic-password -w` prints the text, or hex when the bytes are not printable. */
function decodeFound(stdout: string): string {
  const text = stdout.replace(/\n$/, "");
  if (/^([0-9a-f]{2})+$/i.test(text) && text.length >= 4) {
    const decoded = Buffer.from(text, "hex").toString("utf8");
    if (decoded.startsWith("{")) return decoded;
  }
  return text;
}

/** Splits a string into pieces of at most `maxBytes` UTF-8 bytes without cutting a character. */
function splitUtf8(value: string, maxBytes: number): string[] {
  const out: string[] = [];
  let cur = "";
  let bytes = 0;
  for (const ch of value) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes) {
      out.push(cur);
      cur = "";
      bytes = 0;
    }
    cur += ch;
    bytes += n;
  }
  if (cur) out.push(cur);
  return out;
}

function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

/** security may echo what it could not parse: never pass long hex (data) or token-shaped strings on. */
function scrub(stderr: string): string {
  return stderr
    .replace(/[0-9a-f]{32,}/gi, "<data>")
    .replace(/(aoa|aor)[A-Za-z0-9_-]{8,}/g, "<token>")
    .trim()
    .slice(0, 300);
}
