// PLACEHOLDER: replaced by the SSM emulator.
import type { EmulatedService, EmulatorContext } from "../context";
export type SsmControls = Record<string, never>;
export function createSsmService(_ctx: EmulatorContext): EmulatedService & { controls: SsmControls } {
  return { name: "ssm", handle: () => undefined, classify: () => undefined, controls: {} };
}
