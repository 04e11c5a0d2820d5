// Local port checks: is bindAddress:port free, and if not, which process holds it (so the user can act on it).
import { execFile } from "node:child_process";
import { readdir, readFile, readlink } from "node:fs/promises";
import { createServer } from "node:net";

export type PortCheck = { free: true } | { free: false; holder: string; code: string };

/** Tries to listen exactly as the worker will; the listener is closed again at once. */
export function probePort(bindAddress: string, port: number): Promise<{ free: true } | { free: false; code: string }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", (err: NodeJS.ErrnoException) => resolve({ free: false, code: err.code ?? "EUNKNOWN" }));
    server.listen({ host: bindAddress, port, exclusive: true }, () => server.close(() => resolve({ free: true })));
  });
}

export async function checkPort(bindAddress: string, port: number): Promise<PortCheck> {
  const probe = await probePort(bindAddress, port);
  if (probe.free) return probe;
  if (probe.code !== "EADDRINUSE") return { free: false, code: probe.code, holder: "" };
  return { free: false, code: probe.code, holder: (await portHolder(port)) ?? "another process" };
}

/** A sentence for the user: why the tunnel cannot use the port. */
export function describePortProblem(bindAddress: string, port: number, check: PortCheck): string {
  if (check.free) return "";
  if (check.code === "EADDRINUSE") return `local port ${bindAddress}:${port} is already in use by ${check.holder}`;
  if (check.code === "EACCES") return `not allowed to listen on ${bindAddress}:${port} (ports below 1024 need root)`;
  if (check.code === "EADDRNOTAVAIL") return `${bindAddress} is not an address of this machine`;
  return `cannot listen on ${bindAddress}:${port} (${check.code})`;
}

/** "node (pid 1234)" for the process listening on the TCP port, or undefined when it cannot be found. */
export async function portHolder(port: number): Promise<string | undefined> {
  try {
    if (process.platform === "darwin") return await holderFromLsof(port);
    if (process.platform === "linux") return await holderFromProc(port);
  } catch {
    // Best effort only: the refusal itself does not depend on naming the holder.
  }
  return undefined;
}

function holderFromLsof(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      "/usr/sbin/lsof",
      ["-nP", `-iTCP:${port}`, "-sTCP:LISTEN"],
      { timeout: 3000, encoding: "utf8" },
      (_err, stdout) => {
        const line = String(stdout ?? "")
          .split("\n")
          .slice(1)
          .find((l) => l.trim());
        if (!line) return resolve(undefined);
        const [command, pid] = line.trim().split(/\s+/);
        resolve(`${command} (pid ${pid})`);
      },
    );
  });
}

/** /proc/net/tcp{,6} gives the listening socket's inode; /proc/<pid>/fd links name the process that owns it. */
async function holderFromProc(port: number): Promise<string | undefined> {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await readFile(table, "utf8").catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== "0A") continue; // 0A = LISTEN
      if (parseInt(cols[1].split(":")[1], 16) === port) inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const pid of (await readdir("/proc")).filter((d) => /^\d+$/.test(d))) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1])) {
        const comm = (await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "process")).trim();
        return `${comm} (pid ${pid})`;
      }
    }
  }
  return undefined;
}
