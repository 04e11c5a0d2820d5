// Every timer a session starts, kept together so that ending the session stops them all at once.

export class SessionTimers {
  private readonly timers: NodeJS.Timeout[] = [];

  every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  after(ms: number, fn: () => void): void {
    const t = setTimeout(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  clear(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
  }
}
