// The local AWS: SSO OIDC, SSO portal, SSM, EC2, STS and the Session Manager data channel on one loopback port.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Clock } from "./clock";
import type { EmulatedService, EmulatorContext } from "./context";
import { defaultDirectory, type Directory } from "./directory";
import { redact, type EmulatorRequest, type EmulatorResponse, type Fault, type LogEntry } from "./http";
import { defaultKnobs, type EmulatorKnobs } from "./knobs";
import { createOidcService, type OidcControls } from "./oidc/service";
import { createPortalService } from "./portal/service";
import { createSsmService, type SsmControls } from "./ssm/service";
import { createEc2Service } from "./ec2/service";
import { createStsService, type StsControls } from "./sts/service";
import { createDataChannelService, type DataChannelControls } from "./agent/service";

export interface EmulatorOptions {
  knobs?: Partial<EmulatorKnobs>;
  directory?: Partial<Directory>;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
}

export interface Endpoints {
  ssoOidc: string;
  sso: string;
  ssm: string;
  ec2: string;
  sts: string;
}

export interface Emulator {
  url: string;
  endpoints: Endpoints;
  knobs: EmulatorKnobs;
  clock: Clock;
  directory: Directory;
  /** Every request and data-channel event, secrets redacted. */
  log: LogEntry[];
  oidc: OidcControls;
  ssm: SsmControls;
  sts: StsControls;
  dataChannel: DataChannelControls;
  /** Inject a fault for matching requests. */
  addFault(fault: Fault): void;
  clearFaults(): void;
  /** Environment variables that point AWS SDKs and botocore at this emulator. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const knobs = { ...defaultKnobs(), ...options.knobs };
  const directory = { ...defaultDirectory(), ...options.directory };
  const clock = new Clock();
  const log: LogEntry[] = [];
  const faults: Fault[] = [];
  let baseUrl = "";
  const ctx: EmulatorContext = {
    knobs,
    clock,
    directory,
    baseUrl: () => baseUrl,
    log: (entry) => log.push({ at: clock.now(), ...entry, request: redact(entry.request) }),
  };

  const oidc = createOidcService(ctx);
  const portal = createPortalService(ctx);
  const ssm = createSsmService(ctx);
  const ec2 = createEc2Service(ctx);
  const sts = createStsService(ctx);
  const dataChannel = createDataChannelService(ctx, ssm.controls);
  const services: EmulatedService[] = [oidc, portal, ssm, ec2, sts, dataChannel];

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `emulator error: ${String(err)}` }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "http://emulator");
    const request: EmulatorRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    const id = services.map((s) => s.classify(request)).find(Boolean) ?? { service: "unknown", operation: "unknown" };
    const fault = takeFault(id.service, id.operation);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.dropConnection) {
      ctx.log({ ...id, method: request.method, path: request.path, status: 0, fault: "dropped connection" });
      req.socket.destroy();
      return;
    }
    let response: EmulatorResponse | undefined;
    if (fault?.status) {
      response = {
        service: id.service,
        operation: id.operation,
        status: fault.status,
        headers: {
          "content-type": "application/json",
          "x-amzn-errortype": fault.errorType ?? "InternalServerException",
        },
        body: fault.body ?? JSON.stringify({ message: `injected fault ${fault.status}` }),
      };
    } else {
      for (const s of services) {
        response = await s.handle(request);
        if (response) break;
      }
    }
    response ??= {
      service: "unknown",
      operation: "unknown",
      status: 404,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: `no emulated operation for ${request.method} ${request.path}` }),
    };
    ctx.log({
      service: response.service,
      operation: response.operation,
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

  function takeFault(service: string, operation: string): Fault | undefined {
    const i = faults.findIndex((f) => f.service === service && (!f.operation || f.operation === operation));
    if (i < 0) return undefined;
    const f = faults[i];
    f.times -= 1;
    if (f.times <= 0) faults.splice(i, 1);
    return f;
  }

  server.on("upgrade", (req, socket, head) => {
    if (!services.some((s) => s.upgrade?.(req, socket, head))) socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const endpoints: Endpoints = { ssoOidc: baseUrl, sso: baseUrl, ssm: baseUrl, ec2: baseUrl, sts: baseUrl };

  return {
    url: baseUrl,
    endpoints,
    knobs,
    clock,
    directory,
    log,
    oidc: oidc.controls,
    ssm: ssm.controls,
    sts: sts.controls,
    dataChannel: dataChannel.controls,
    addFault: (f) => faults.push({ ...f }),
    clearFaults: () => faults.splice(0),
    env: () => ({
      AWS_ENDPOINT_URL_SSO_OIDC: endpoints.ssoOidc,
      AWS_ENDPOINT_URL_SSO: endpoints.sso,
      AWS_ENDPOINT_URL_SSM: endpoints.ssm,
      AWS_ENDPOINT_URL_EC2: endpoints.ec2,
      AWS_ENDPOINT_URL_STS: endpoints.sts,
    }),
    async close() {
      for (const s of services) await s.close?.();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function describeFault(f: Fault): string {
  if (f.dropConnection) return "dropped connection";
  if (f.status) return `status ${f.status} ${f.errorType ?? ""}`.trim();
  return `delay ${f.delayMs ?? 0} ms`;
}
