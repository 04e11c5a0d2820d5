// What every emulated service shares.
import type { Clock } from "./clock";
import type { Directory } from "./directory";
import type { EndpointName } from "./endpoints";
import type { Classifier, LogEntry, Service } from "./http";
import type { EmulatorKnobs } from "./knobs";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

export interface EmulatorContext {
  knobs: EmulatorKnobs;
  clock: Clock;
  directory: Directory;
  /** Base URL of one endpoint's listener, e.g. http://127.0.0.1:43123 (known once listening). */
  endpoint(name: EndpointName): string;
  /** Log an event that is not an HTTP request (e.g. a data-channel message). */
  log(entry: Omit<LogEntry, "at">): void;
}

export interface EmulatedService {
  name: string;
  handle: Service;
  classify: Classifier;
  /** WebSocket upgrades (the data channel); return true if handled. */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close?(): Promise<void> | void;
}
