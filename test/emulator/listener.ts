// One endpoint's loopback HTTP server: its services tried in order, faults injected, every request logged (secrets
// redacted). A request none of its services owns gets the host's UnknownOperation answer, as AWS gives it.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { EmulatedService, EmulatorContext } from "./context";
import { rawHttpResponse, type EndpointName, type UnknownOperation } from "./endpoints";
import type { EmulatorRequest, EmulatorResponse, Fault } from "./http";

export interface ListenerSpec {
  endpoint: EndpointName;
  /** The service this host belongs to: logged and fault-matched for requests none of `services` owns. */
  service: string;
  services: EmulatedService[];
  unknown: UnknownOperation;
}

export interface ListenerDeps {
  ctx: EmulatorContext;
  takeFault(service: string, operation: string): Fault | undefined;
  /** Every service of the emulator: names the owner of a misdirected request in the log. */
  all: EmulatedService[];
}

export interface Listener {
  url: string;
  close(): Promise<void>;
}

export async function startListener(spec: ListenerSpec, deps: ListenerDeps, port = 0): Promise<Listener> {
  const { ctx } = deps;
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `emulator error: ${String(err)}` }));
    });
  });

  /** "sso GetRoleCredentials" when another host would have served the request: the log says where it belonged. */
  function misdirected(request: EmulatorRequest): string | undefined {
    const owner = deps.all.map((s) => s.classify(request)).find(Boolean);
    return owner && `${owner.service} ${owner.operation}`;
  }

  function rejection(request: EmulatorRequest): EmulatorResponse {
    return { ...spec.unknown(spec.service, request), logged: { misdirected: misdirected(request) } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const request = toRequest(req, Buffer.concat(chunks));
    const id = spec.services.map((s) => s.classify(request)).find(Boolean) ?? {
      service: spec.service,
      operation: "UnknownOperation",
    };
    const fault = deps.takeFault(id.service, id.operation);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.hold) await fault.hold().catch(() => undefined);
    if (fault?.dropConnection) {
      ctx.log({
        ...id,
        endpoint: spec.endpoint,
        method: request.method,
        path: request.path,
        status: 0,
        fault: "dropped connection",
      });
      req.socket.destroy();
      return;
    }
    let response: EmulatorResponse | undefined;
    if (fault?.status) {
      response = {
        ...id,
        status: fault.status,
        headers: {
          "content-type": "application/json",
          "x-amzn-errortype": fault.errorType ?? "InternalServerException",
        },
        body: fault.body ?? JSON.stringify({ message: `injected fault ${fault.status}` }),
      };
    } else {
      for (const s of spec.services) {
        response = await s.handle(request);
        if (response) break;
      }
    }
    response ??= rejection(request);
    ctx.log({
      service: response.service,
      operation: response.operation,
      endpoint: spec.endpoint,
      method: request.method,
      path: request.path,
      status: response.status,
      errorType: response.errorType ?? response.headers?.["x-amzn-errortype"],
      request: response.logged,
      fault: fault ? describeFault(fault) : undefined,
    });
    res.writeHead(response.status, response.headers ?? {});
    res.end(response.body ?? "");
  }

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (spec.services.some((s) => s.upgrade?.(req, socket, head))) return;
    const request = toRequest(req, Buffer.alloc(0));
    const response = rejection(request);
    ctx.log({
      service: response.service,
      operation: response.operation,
      endpoint: spec.endpoint,
      method: "WS",
      path: request.path,
      status: response.status,
      request: response.logged,
    });
    socket.on("error", () => undefined);
    socket.end(rawHttpResponse(response));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function toRequest(req: IncomingMessage, body: Buffer): EmulatorRequest {
  const url = new URL(req.url ?? "/", "http://emulator");
  return { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers, body };
}

function describeFault(f: Fault): string {
  if (f.dropConnection) return "dropped connection";
  if (f.status) return `status ${f.status} ${f.errorType ?? ""}`.trim();
  return f.hold ? "held by the test" : `delay ${f.delayMs ?? 0} ms`;
}
