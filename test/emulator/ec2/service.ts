// PLACEHOLDER: replaced by the EC2 emulator.
import type { EmulatedService, EmulatorContext } from "../context";
export function createEc2Service(_ctx: EmulatorContext): EmulatedService {
  return { name: "ec2", handle: () => undefined, classify: () => undefined };
}
