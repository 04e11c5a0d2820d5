// Form fields (strings, as Raycast's Form gives them) ↔ tunnel definitions, and the profile choices.
import { DEFAULT_BIND_ADDRESS, poolSize, type TunnelDefinition, type TunnelInput } from "../../lib/tunnels/definition";
import type { AwsConfig } from "../../lib/aws";
import { profileDetail } from "../profile-detail";

/** The target dropdown's choice for "type an id instead". */
export const MANUAL_TARGET = "manual";

export interface TunnelFormValues {
  name: string;
  profile: string;
  /** Empty: the profile's region. */
  region: string;
  /** An instance id from the picker, or MANUAL_TARGET. */
  target: string;
  /** The id typed by hand when `target` is MANUAL_TARGET. */
  instanceId: string;
  remoteHost: string;
  remotePort: string;
  localPort: string;
  bindAddress: string;
  autoReconnect: boolean;
  /** Pool size, "1" to "8" (a dropdown). */
  sessions: string;
}

export type TunnelFormField = keyof TunnelFormValues;

export function emptyFormValues(profile = ""): TunnelFormValues {
  return {
    name: "",
    profile,
    region: "",
    target: MANUAL_TARGET,
    instanceId: "",
    remoteHost: "",
    remotePort: "",
    localPort: "",
    bindAddress: DEFAULT_BIND_ADDRESS,
    autoReconnect: true,
    sessions: "1",
  };
}

/** An edited tunnel's values; its target starts as a typed id until the picker finds it in the list. */
export function formValuesOf(t: TunnelDefinition): TunnelFormValues {
  return {
    name: t.name,
    profile: t.profile,
    region: t.region ?? "",
    target: MANUAL_TARGET,
    instanceId: t.target,
    remoteHost: t.remoteHost ?? "",
    remotePort: String(t.remotePort),
    localPort: String(t.localPort),
    bindAddress: t.bindAddress,
    autoReconnect: t.autoReconnect,
    sessions: String(poolSize(t)),
  };
}

/** A copy to save as a new tunnel: same route, its own name; the local port is suggested afresh. */
export function duplicateValuesOf(t: TunnelDefinition, names: readonly string[]): TunnelFormValues {
  const taken = new Set(names.map((n) => n.toLowerCase()));
  let name = `${t.name} copy`;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${t.name} copy ${n}`;
  return { ...formValuesOf(t), name, localPort: "" };
}

export function targetOf(values: Pick<TunnelFormValues, "target" | "instanceId">): string {
  return values.target === MANUAL_TARGET ? values.instanceId : values.target;
}

/** What the definition validator checks; an edited tunnel keeps its id. */
export function inputFromForm(values: TunnelFormValues, editing?: TunnelDefinition): TunnelInput {
  return {
    name: values.name,
    profile: values.profile,
    region: values.region,
    target: targetOf(values),
    remoteHost: values.remoteHost,
    remotePort: values.remotePort,
    localPort: values.localPort,
    bindAddress: values.bindAddress,
    autoReconnect: values.autoReconnect,
    sessions: values.sessions,
    id: editing?.id,
  };
}

export interface ProfileOption {
  name: string;
  /** Shown next to the name: account/role, the chain's SSO profile, or why it cannot open tunnels. */
  detail?: string;
  usable: boolean;
  /** Where the picker looks by default and what an empty region field means. */
  region?: string;
}

/** Profiles that can open tunnels first (config-file order), then the SSO-looking ones that cannot, with why. */
export function profileOptions(config: AwsConfig): ProfileOption[] {
  const usable = config.profiles
    .filter((p) => p.usableForTunnels)
    .map((p) => ({
      name: p.name,
      detail: profileDetail(p),
      usable: true,
      region: p.region ?? (p.kind === "role-chained" ? p.chainRegion : p.kind === "sso" ? p.ssoRegion : undefined),
    }));
  const unusable = config.profiles
    .filter((p) => !p.usableForTunnels)
    .map((p) => ({ name: p.name, detail: p.reason ?? "cannot open tunnels", usable: false, region: p.region }));
  return [...usable, ...unusable];
}
