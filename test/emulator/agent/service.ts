// PLACEHOLDER: replaced by the data-channel agent.
import type { EmulatedService, EmulatorContext } from "../context";
import type { SsmControls } from "../ssm/service";
export type DataChannelControls = Record<string, never>;
export function createDataChannelService(
  _ctx: EmulatorContext,
  _ssm: SsmControls,
): EmulatedService & { controls: DataChannelControls } {
  return { name: "data-channel", handle: () => undefined, classify: () => undefined, controls: {} };
}
