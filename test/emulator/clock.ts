// Emulator time: real time plus an offset tests can advance, so expiry scenarios need no sleeping.
export class Clock {
  private offsetMs = 0;
  private readonly advanced = new Set<() => void>();
  now(): number {
    return Date.now() + this.offsetMs;
  }
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
    for (const listener of [...this.advanced]) listener();
  }

  /** Called after every advance() (timers on emulator time fire what became due); returns the unsubscribe. */
  onAdvance(listener: () => void): () => void {
    this.advanced.add(listener);
    return () => this.advanced.delete(listener);
  }
}
