// Message-level fault injection for the data channel: drop, duplicate, reorder or delay, by count or probability.

export type Direction = "to-client" | "to-agent";
export type MessageFaultAction = "drop" | "duplicate" | "reorder" | "delay";

export interface MessageFault {
  direction: Direction;
  action: MessageFaultAction;
  /** Only this session; all sessions when absent. */
  sessionId?: string;
  /** Affects the next N matching messages, then expires. */
  count?: number;
  /** Affects each matching message with this probability (seeded RNG), until removed. */
  probability?: number;
  /** For "delay". */
  delayMs?: number;
  /** Which messages match: stream data (default), acks, or both. */
  kinds?: "stream" | "ack" | "all";
}

/** mulberry32: small, fast and reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultTable {
  private faults: MessageFault[] = [];
  random: () => number = seededRandom(1);

  add(f: MessageFault): void {
    this.faults.push({ ...f });
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault that applies to this message, if any (consuming one use of a counted fault). */
  take(direction: Direction, sessionId: string, kind: "stream" | "ack"): MessageFault | undefined {
    for (const f of this.faults) {
      if (f.direction !== direction || (f.sessionId && f.sessionId !== sessionId)) continue;
      const kinds = f.kinds ?? "stream";
      if (kinds !== "all" && kinds !== kind) continue;
      if (f.count !== undefined) {
        if (f.count <= 0) continue;
        f.count -= 1;
        if (f.count === 0) this.faults = this.faults.filter((x) => x !== f);
        return f;
      }
      if (this.random() < (f.probability ?? 1)) return f;
    }
    return undefined;
  }
}
