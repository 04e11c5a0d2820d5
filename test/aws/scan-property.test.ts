// Random config text, built from the pieces that trip parsers up, read by our scanner and by Python's
// configparser/botocore in one run: same verdict (accepted or refused), same sections, keys, values and names.
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { parseAwsConfig } from "../../src/lib/aws";
import { scanIni } from "../../src/lib/aws/scan";
import { python } from "../support/test-tools";

const name = fc.constantFrom("dev", "Dev", "a.b", "x y", '"x y"', "'q'", 'a\\"b', '"open', "", "default", "é☕");
const header = fc.oneof(
  fc
    .tuple(fc.constantFrom("profile", "sso-session", "services", "profiles", "Profile"), name)
    .map(([k, n]) => `[${k} ${n}]`),
  fc.constantFrom("[default]", "[DEFAULT]", "[plugins]", "[profile a] ; c", "[a]b]", "[ profile a]", "[]"),
);
const key = fc.constantFrom("region", "REGION", "sso_session", "Sso_Start_Url", "a b", "x", "");
const sep = fc.constantFrom("=", " = ", ":", " : ", "\t=\t", " =", ": =");
const value = fc.constantFrom("", "us-east-1", "v # c", "v ; c", "https://x/start", "a=b", "  spaced  ", "é");
const indent = fc.constantFrom("", "", "", " ", "  ", "\t");
const line = fc.oneof(
  { weight: 3, arbitrary: header },
  { weight: 6, arbitrary: fc.tuple(indent, key, sep, value).map(([i, k, s, v]) => `${i}${k}${s}${v}`) },
  { weight: 1, arbitrary: fc.constantFrom("", "   ", "# c", "; c", "  # c", "garbage", "  more text") },
);
const file = fc
  .tuple(fc.array(line, { maxLength: 14 }), fc.constantFrom("\n", "\r\n"))
  .map(([lines, eol]) => lines.join(eol) + eol);

const PYTHON = `
import configparser, json, sys
import botocore.configloader as c
for line in sys.stdin:
    text = json.loads(line)
    cp = configparser.RawConfigParser()
    try:
        cp.read_string(text.replace("\\r\\n", "\\n"))
    except configparser.Error:
        print(json.dumps(None))
        continue
    raw = {s: {k: cp.get(s, k) for k in cp.options(s)} for s in cp.sections()}
    m = c.build_profile_map(raw)
    print(json.dumps({"raw": raw, "profiles": sorted(m["profiles"]), "sessions": sorted(m["sso_sessions"])}))
`;

test("scanner and profile map agree with Python's configparser and botocore on random files", () => {
  const samples = fc.sample(file, { numRuns: 400, seed: 7 });
  const py = python();
  const stdout = execFileSync(py.command, ["-c", PYTHON], {
    input: samples.map((t) => JSON.stringify(t)).join("\n") + "\n",
    env: { ...py.env, PATH: process.env.PATH, PYTHONUTF8: "1" },
    encoding: "utf8",
  });
  const verdicts = stdout
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(verdicts).toHaveLength(samples.length);
  let accepted = 0;
  samples.forEach((text, i) => {
    const python = verdicts[i] as { raw: object; profiles: string[]; sessions: string[] } | null;
    const scanned = scanIni(text);
    const refused = scanned.problems.some((p) => p.severity === "error");
    expect({ text, refused }).toEqual({ text, refused: python === null });
    if (!python) return;
    accepted++;
    const raw = Object.fromEntries(
      scanned.sections.map((s) => [s.header, Object.fromEntries([...s.values].map(([k, v]) => [k, v.value]))]),
    );
    expect({ text, raw }).toEqual({ text, raw: python.raw });
    const config = parseAwsConfig(text, { path: "p", homeDir: "/h" });
    expect({ text, profiles: config.profiles.map((p) => p.name).sort() }).toEqual({ text, profiles: python.profiles });
    expect({ text, sessions: config.ssoSessions.map((s) => s.name).sort() }).toEqual({
      text,
      sessions: python.sessions,
    });
  });
  expect(accepted).toBeGreaterThan(40);
});
