// PLACEHOLDER: replaced by the SSO OIDC emulator.
import type { EmulatedService, EmulatorContext } from "../context";
export type OidcControls = Record<string, never>;
export function createOidcService(_ctx: EmulatorContext): EmulatedService & { controls: OidcControls } {
  return { name: "sso-oidc", handle: () => undefined, classify: () => undefined, controls: {} };
}
