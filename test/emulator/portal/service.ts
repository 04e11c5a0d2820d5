// PLACEHOLDER: replaced by the SSO portal emulator.
import type { EmulatedService, EmulatorContext } from "../context";
export function createPortalService(_ctx: EmulatorContext): EmulatedService {
  return { name: "sso", handle: () => undefined, classify: () => undefined };
}
