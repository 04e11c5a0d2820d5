import {
  forwardingModeFor,
  isVersionGreater,
  smuxKeepaliveFor,
  terminateFlagSupported,
} from "../../src/lib/ssm/versions";

describe("AgentVersion comparator (§10.1, §15 item 8)", () => {
  it.each([
    ["3.0.196.0", "3.0.196.0", false],
    ["3.0.196.1", "3.0.196.0", true],
    ["3.1.0.0", "3.0.196.0", true],
    ["3.0.197.0", "3.0.196.0", true],
    ["2.9.999.9", "3.0.196.0", false],
    ["10.0.0.0", "3.0.196.0", true],
    ["3.3.987.0", "3.1.1511.0", true],
    ["3.1.1511.0", "3.1.1511.0", false],
    ["3.1.1512.0", "3.1.1511.0", true],
    ["3.3.987", "3.0.196.0", false], // different component counts
    ["3.3.987.0.1", "3.0.196.0", false],
    ["3.3.x.0", "3.0.196.0", false], // non-numeric
    ["3.3.-1.0", "3.0.196.0", false],
    ["", "3.0.196.0", false],
    ["3..987.0", "3.0.196.0", false],
    ["99999999999999999999.0.0.0", "3.0.196.0", true],
  ])("%s > %s is %s", (a, b, expected) => {
    expect(isVersionGreater(a, b)).toBe(expected);
  });

  it.each([
    ["3.0.196.0", "basic", true, true],
    ["3.1.0.0", "mux", true, true],
    ["3.1.1511.0", "mux", true, true],
    ["3.3.987.0", "mux", false, true],
    ["3.3.987", "basic", true, false],
    ["2.3.722.0", "basic", true, false],
    ["2.3.723.0", "basic", true, true],
  ])("agent %s: %s mode, keepalive %s, terminate flag %s", (v, mode, keepalive, flag) => {
    expect(forwardingModeFor(v)).toBe(mode);
    expect(smuxKeepaliveFor(v)).toBe(keepalive);
    expect(terminateFlagSupported(v, forwardingModeFor(v))).toBe(flag);
  });
});
