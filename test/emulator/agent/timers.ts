// Every timer a session starts, kept together so that ending the session stops them all at once. They run on
// emulator time: real time plus emulator.clock.advance(), so a test can jump to a keepalive or a timeout instead of
// sleeping through it.
import type { Clock } from "../clock";

interface Entry {
  due: number;
  fn: () => void;
  /** Repeats every periodMs; after a jump it fires once and goes on from now (no burst of missed ticks). */
  periodMs?: number;
}

export class SessionTimers {
  private entries: Entry[] = [];
  private wake?: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(private readonly clock: Clock) {
    this.unsubscribe = clock.onAdvance(() => this.fire());
  }

  every(ms: number, fn: () => void): void {
    this.add({ due: this.clock.now() + ms, fn, periodMs: ms });
  }

  after(ms: number, fn: () => void): void {
    this.add({ due: this.clock.now() + ms, fn });
  }

  clear(): void {
    this.entries = [];
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    this.unsubscribe();
  }

  private add(entry: Entry): void {
    this.entries.push(entry);
    this.arm();
  }

  private fire(): void {
    const now = this.clock.now();
    for (const e of this.entries.filter((x) => x.due <= now)) {
      if (!this.entries.includes(e)) continue; // cleared by an earlier callback
      if (e.periodMs === undefined) this.entries = this.entries.filter((x) => x !== e);
      else e.due = e.due + e.periodMs > now ? e.due + e.periodMs : now + e.periodMs;
      e.fn();
    }
    this.arm();
  }

  private arm(): void {
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    if (this.entries.length === 0) return;
    const next = Math.min(...this.entries.map((e) => e.due));
    this.wake = setTimeout(() => this.fire(), Math.max(0, next - this.clock.now()));
    this.wake.unref();
  }
}
