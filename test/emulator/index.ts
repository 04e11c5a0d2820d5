// The local AWS: SSO OIDC, SSO portal, SSM, EC2, STS and the Session Manager data channel, each on its own loopback
// port like the separate AWS hosts, so a call sent to the wrong endpoint fails here as it would there.
import { Clock } from "./clock";
import type { EmulatedService, EmulatorContext } from "./context";
import { defaultDirectory, type Directory } from "./directory";
import {
  ec2UnknownAction,
  ENDPOINT_ENV,
  ENDPOINT_NAMES,
  jsonRpcUnknownOperation,
  notFound,
  stsUnknownAction,
  type EndpointName,
  type Endpoints,
} from "./endpoints";
import { redact, type Fault, type LogEntry } from "./http";
import { defaultKnobs, type EmulatorKnobs } from "./knobs";
import { startListener, type Listener, type ListenerSpec } from "./listener";
import { createOidcService, type OidcControls } from "./oidc/service";
import { createPortalService } from "./portal/service";
import { createSsmService, type SsmControls } from "./ssm/service";
import { createEc2Service } from "./ec2/service";
import { createStsService, type StsControls } from "./sts/service";
import { createDataChannelService, type DataChannelControls } from "./agent/service";

export type { EndpointName, Endpoints } from "./endpoints";

export interface EmulatorOptions {
  knobs?: Partial<EmulatorKnobs>;
  directory?: Partial<Directory>;
  /** Ports per endpoint; a number is the first of consecutive ports in ENDPOINT_NAMES order. 0/absent: free ones. */
  ports?: number | Partial<Record<EndpointName, number>>;
}

export interface Emulator {
  /** One base URL per endpoint (there is no catch-all URL: each host answers only its own operations). */
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
  /** AWS_ENDPOINT_URL_<SERVICE> for every SDK service, pointing AWS SDKs, botocore and the CLI at this emulator. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const knobs = { ...defaultKnobs(), ...options.knobs };
  const directory = { ...defaultDirectory(), ...options.directory };
  const clock = new Clock();
  const log: LogEntry[] = [];
  const faults: Fault[] = [];
  const endpoints = {} as Endpoints;
  const ctx: EmulatorContext = {
    knobs,
    clock,
    directory,
    endpoint: (name) => endpoints[name],
    log: (entry) => log.push({ at: clock.now(), ...entry, request: redact(entry.request, entry.service) }),
  };

  const oidc = createOidcService(ctx);
  const portal = createPortalService(ctx);
  const ssm = createSsmService(ctx);
  const ec2 = createEc2Service(ctx);
  const sts = createStsService(ctx);
  const dataChannel = createDataChannelService(ctx, ssm.controls);
  const services: EmulatedService[] = [oidc, oidc.devicePage, portal, ssm, ec2, sts, dataChannel];

  // One listener per AWS host; a new service is one more line (and its name in ENDPOINT_NAMES).
  const specs: Record<EndpointName, Omit<ListenerSpec, "endpoint">> = {
    ssoOidc: { service: "sso-oidc", services: [oidc], unknown: notFound },
    device: { service: "sso-oidc", services: [oidc.devicePage], unknown: notFound },
    sso: { service: "sso", services: [portal], unknown: notFound },
    ssm: { service: "ssm", services: [ssm], unknown: jsonRpcUnknownOperation },
    ec2: { service: "ec2", services: [ec2], unknown: ec2UnknownAction },
    ssmmessages: { service: "data-channel", services: [dataChannel], unknown: notFound },
    sts: { service: "sts", services: [sts], unknown: stsUnknownAction },
  };

  function takeFault(service: string, operation: string): Fault | undefined {
    const i = faults.findIndex((f) => f.service === service && (!f.operation || f.operation === operation));
    if (i < 0) return undefined;
    const f = faults[i];
    f.times -= 1;
    if (f.times <= 0) faults.splice(i, 1);
    return f;
  }

  const listeners: Listener[] = [];
  try {
    for (const [i, name] of ENDPOINT_NAMES.entries()) {
      const port = typeof options.ports === "number" ? options.ports && options.ports + i : options.ports?.[name];
      const listener = await startListener({ endpoint: name, ...specs[name] }, { ctx, takeFault, all: services }, port);
      listeners.push(listener);
      endpoints[name] = listener.url;
    }
  } catch (err) {
    await Promise.all(listeners.map((l) => l.close()));
    throw err;
  }

  return {
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
    env: () =>
      Object.fromEntries(
        Object.entries(ENDPOINT_ENV).map(([name, suffix]) => [
          `AWS_ENDPOINT_URL_${suffix}`,
          endpoints[name as EndpointName],
        ]),
      ),
    async close() {
      for (const s of services) await s.close?.();
      await Promise.all(listeners.map((l) => l.close()));
    },
  };
}
