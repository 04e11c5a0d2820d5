// Repeated log lines, rate-limited: a line (numbers aside) is written the first few times in a minute, then only
// counted, and the count is written once the minute is over. 50 000 hostile frames must not write megabytes of
// "dropped a malformed message".

export interface LogLimiterOptions {
  /** Lines of one kind written per window before they are only counted. */
  burst?: number;
  windowMs?: number;
  /** Kinds tracked per window; beyond it, new kinds share one count (a flood of distinct lines stays bounded). */
  maxKinds?: number;
}

interface Kind {
  written: number;
  suppressed: number;
  last: string;
}

const OTHERS = "\u0000others";

export class LogLimiter {
  private kinds = new Map<string, Kind>();
  private readonly timer: NodeJS.Timeout;
  private readonly burst: number;
  private readonly maxKinds: number;

  constructor(
    private readonly write: (line: string) => void,
    options: LogLimiterOptions = {},
  ) {
    this.burst = options.burst ?? 5;
    this.maxKinds = options.maxKinds ?? 500;
    this.timer = setInterval(() => this.flush(), options.windowMs ?? 60_000);
    this.timer.unref();
  }

  log(line: string): void {
    let key = line.replace(/\d+/g, "#");
    if (!this.kinds.has(key) && this.kinds.size >= this.maxKinds) key = OTHERS;
    let kind = this.kinds.get(key);
    if (!kind) this.kinds.set(key, (kind = { written: 0, suppressed: 0, last: line }));
    kind.last = line;
    if (kind.written < this.burst && key !== OTHERS) {
      kind.written += 1;
      this.write(line);
    } else kind.suppressed += 1;
  }

  /** Writes the counts of what was held back, and starts a new window. */
  flush(): void {
    const kinds = this.kinds;
    this.kinds = new Map();
    for (const [key, k] of kinds) {
      if (k.suppressed === 0) continue;
      const like = key === OTHERS ? "other lines, the last:" : "more like:";
      this.write(`(${k.suppressed} ${like} ${k.last})`);
    }
  }

  /** The worker is exiting: the last counts, and no more timer. */
  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
