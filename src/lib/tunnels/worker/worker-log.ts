// The worker's log: every line timestamped on stdout (the tunnel's log file when the supervisor started it), repeated
// lines rate-limited, and the file rotated by size while the worker runs.
import type { Env } from "../../home";
import { RunningLogRotation } from "../log-file";
import { logPath } from "../state";
import { LogLimiter } from "./log-limiter";
import { isoTime } from "../../iso-time";

export interface WorkerLog {
  log: (line: string) => void;
  /** Writes what the limiter still holds back; call last. */
  close: () => void;
}

const defaultWrite = (line: string) => process.stdout.write(`${isoTime()} ${line}\n`);

export function createWorkerLog(env: Env, id: string, write: (line: string) => void = defaultWrite): WorkerLog {
  const rotation = new RunningLogRotation(logPath(env, id));
  const limiter = new LogLimiter((line) => {
    write(line);
    rotation.wrote(line.length + 26); // + timestamp and newline
  });
  return { log: (line) => limiter.log(line), close: () => limiter.close() };
}
