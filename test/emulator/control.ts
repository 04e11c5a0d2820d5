// The control endpoint: a loopback JSON API that lets scripts do what tests do in-process (decide logins, inject
// faults, move the clock, set knobs, drop sockets, end sessions). It exposes the controls the services already have,
// generically: a new control method or a new field of a settings object needs no code here.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Emulator } from "./index";
import type { Fault } from "./http";

export interface ControlServer {
  url: string;
  close(): Promise<void>;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Area = Record<string, unknown>;

/** The objects whose methods and settings the endpoint reaches: POST /<area>/<method>, GET|PATCH /<area>/<field>. */
function areas(emu: Emulator): Record<string, Area> {
  return {
    oidc: emu.oidc as unknown as Area,
    ssm: emu.ssm as unknown as Area,
    sts: emu.sts as unknown as Area,
    dataChannel: emu.dataChannel as unknown as Area,
    clock: emu.clock as unknown as Area,
  };
}

/** Methods of an area, own or inherited (a class such as Clock), never Object's. */
function methodNames(area: Area): string[] {
  const names = new Set<string>();
  for (let o: object | null = area; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const k of Object.getOwnPropertyNames(o)) {
      if (k !== "constructor" && typeof area[k] === "function") names.add(k);
    }
  }
  return [...names].sort();
}

function fieldNames(area: Area): string[] {
  return Object.keys(area)
    .filter((k) => typeof area[k] !== "function")
    .sort();
}

/** JSON for what controls return: Maps as objects, Sets as arrays, Infinity spelled out. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Map) return Object.fromEntries(v);
    if (v instanceof Set) return [...v];
    if (v === Infinity) return "Infinity";
    return v;
  });
}

/**
 * Merge `patch` into a settings object (knobs, dataChannel.behaviour, …), keeping each existing field's type.
 * Knobs are a closed set; other settings may gain optional fields, and null removes one.
 */
function applyPatch(target: Record<string, unknown>, patch: unknown, what: string): void {
  if (!patch || typeof patch !== "object" || Array.isArray(patch)) {
    throw new ControlError(400, `${what}: send a JSON object`);
  }
  const closed = what === "knobs";
  for (const [k, v] of Object.entries(patch)) {
    if (closed && !(k in target)) throw new ControlError(400, `unknown knob ${k}; GET /knobs lists them`);
    if (v === null && !closed) continue;
    const current = target[k];
    if (current !== undefined && typeof v !== typeof current) {
      throw new ControlError(400, `${what}.${k} must be a ${typeof current}, got ${JSON.stringify(v)}`);
    }
    if (!["string", "number", "boolean"].includes(typeof v)) {
      throw new ControlError(400, `${what}.${k} must be a string, number or boolean`);
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k];
    else target[k] = v;
  }
}

function fault(body: unknown): Fault {
  if (!body || typeof body !== "object") throw new ControlError(400, "a fault is a JSON object");
  const f = { ...(body as Record<string, unknown>) };
  if (typeof f.service !== "string")
    throw new ControlError(400, 'a fault needs "service" (sso-oidc, sso, ssm, ec2, sts)');
  // JSON has no Infinity: leaving "times" out (or "Infinity") means until cleared.
  if (f.times === undefined || f.times === "Infinity") f.times = Infinity;
  if (typeof f.times !== "number" || f.times < 1) throw new ControlError(400, '"times" must be a number >= 1');
  return f as unknown as Fault;
}

export async function startControlServer(emu: Emulator, port = 0): Promise<ControlServer> {
  let url = "";

  function overview() {
    const controls = Object.fromEntries(
      Object.entries(areas(emu)).map(([name, area]) => [
        name,
        { methods: methodNames(area), fields: fieldNames(area) },
      ]),
    );
    return {
      endpoints: emu.endpoints,
      instances: emu.directory.instances,
      knobs: emu.knobs,
      clock: { now: emu.clock.now() },
      controls,
    };
  }

  async function route(method: string, path: string, body: unknown): Promise<unknown> {
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    const [first, second] = parts;
    if (parts.length === 0 && method === "GET") return overview();
    if (first === "knobs" && parts.length === 1) {
      if (method === "PATCH") applyPatch(emu.knobs as unknown as Record<string, unknown>, body, "knobs");
      else if (method !== "GET") throw new ControlError(405, "knobs: GET or PATCH");
      return emu.knobs;
    }
    if (first === "faults" && parts.length === 1) {
      if (method === "POST") emu.addFault(fault(body));
      else if (method === "DELETE") emu.clearFaults();
      else throw new ControlError(405, "faults: POST one, or DELETE all");
      return { ok: true };
    }
    if (first === "log" && parts.length === 1 && method === "GET") return emu.log;
    if (first === "clock" && second === "advance" && parts.length === 2 && method === "POST") {
      const seconds = (body as { seconds?: unknown } | undefined)?.seconds;
      if (typeof seconds !== "number" || !Number.isFinite(seconds)) throw new ControlError(400, 'send {"seconds": N}');
      emu.clock.advance(seconds * 1000);
      return { now: emu.clock.now() };
    }
    const area = areas(emu)[first];
    if (!area || parts.length !== 2) throw new ControlError(404, `no control at ${path}; GET / lists them`);
    if (method === "POST" && methodNames(area).includes(second)) {
      const args = body === undefined ? [] : Array.isArray(body) ? body : [body];
      return { result: await (area[second] as (...a: unknown[]) => unknown).apply(area, args) };
    }
    if (fieldNames(area).includes(second)) {
      const field = area[second];
      if (method === "GET") return field;
      if (
        method === "PATCH" &&
        field &&
        typeof field === "object" &&
        !(field instanceof Map) &&
        !(field instanceof Set)
      ) {
        applyPatch(field as Record<string, unknown>, body, `${first}.${second}`);
        return field;
      }
      if (method === "PUT" && typeof body === typeof field) {
        area[second] = body;
        return body;
      }
    }
    throw new ControlError(404, `no ${method} ${path}; GET / lists the controls`);
  }

  /** Loopback only, and never from a web page: a Host of 127.0.0.1/localhost and, with a body, a JSON content type. */
  function refuse(req: IncomingMessage): ControlError | undefined {
    const host = (req.headers.host ?? "").replace(/:\d+$/, "");
    if (host !== "127.0.0.1" && host !== "localhost")
      return new ControlError(403, "Host must be 127.0.0.1 or localhost");
    if (req.method !== "GET" && !req.headers["content-type"]?.startsWith("application/json")) {
      return new ControlError(415, "send Content-Type: application/json");
    }
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(toJson(payload) + "\n");
    };
    const refused = refuse(req);
    if (refused) return send(refused.status, { error: refused.message });
    try {
      const text = Buffer.concat(chunks).toString("utf8").trim();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        throw new ControlError(400, "the body is not JSON");
      }
      send(200, await route(req.method ?? "GET", new URL(req.url ?? "/", url).pathname, body));
    } catch (err) {
      send(err instanceof ControlError ? err.status : 400, { error: (err as Error).message });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
