// Form fields (strings, as Raycast's Form gives them) ↔ tunnel definitions.
import { DEFAULT_BIND_ADDRESS, poolSize, type TunnelDefinition, type TunnelInput } from "../../lib/tunnels/definition";
import type { AwsConfig } from "../../lib/aws";

export interface TunnelFormValues {
  name: string;
  profile: string;
  target: string;
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
    target: "",
    remoteHost: "",
    remotePort: "",
    localPort: "",
    bindAddress: DEFAULT_BIND_ADDRESS,
    autoReconnect: true,
    sessions: "1",
  };
}

export function formValuesOf(t: TunnelDefinition): TunnelFormValues {
  return {
    name: t.name,
    profile: t.profile,
    target: t.target,
    remoteHost: t.remoteHost ?? "",
    remotePort: String(t.remotePort),
    localPort: String(t.localPort),
    bindAddress: t.bindAddress,
    autoReconnect: t.autoReconnect,
    sessions: String(poolSize(t)),
  };
}

/** The form has no region field: an edited tunnel keeps its id and region. */
export function inputFromForm(values: TunnelFormValues, editing?: TunnelDefinition): TunnelInput {
  return { ...values, id: editing?.id, region: editing?.region };
}

export interface ProfileOption {
  name: string;
  /** Shown next to the name: account/role or the chain's SSO profile. */
  detail?: string;
}

/** Profiles that can open tunnels, in config-file order. */
export function tunnelProfiles(config: AwsConfig): ProfileOption[] {
  return config.profiles
    .filter((p) => p.usableForTunnels)
    .map((p) => ({
      name: p.name,
      detail:
        p.kind === "sso"
          ? [p.accountId, p.roleName].filter(Boolean).join(" · ") || undefined
          : p.kind === "role-chained"
            ? `via ${p.ssoProfile ?? p.sourceProfile}`
            : undefined,
    }));
}
