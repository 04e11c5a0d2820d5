// A free local port to suggest for a new tunnel: the remote port shifted into the user range when free (5432 →
// 15432), else the remote port itself above 1024, else the first free one from 20000 (below the ephemeral range).
import { probePort } from "../../lib/tunnels/ports";

export async function suggestLocalPort(
  remotePort: number,
  bindAddress: string,
  taken: ReadonlySet<number>,
  probe: (bind: string, port: number) => Promise<{ free: boolean }> = probePort,
): Promise<number | undefined> {
  const candidates = [
    remotePort + 10000,
    remotePort + 20000,
    remotePort > 1024 ? remotePort : undefined,
    ...Array.from({ length: 200 }, (_v, i) => 20000 + i),
  ].filter((p): p is number => p !== undefined && p > 1024 && p < 32768 && !taken.has(p));
  for (const port of candidates) {
    if ((await probe(bindAddress, port)).free) return port;
  }
  return undefined;
}
