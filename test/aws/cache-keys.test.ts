// Cache file names: the documented examples (sso-tokens.md §4.1, §4.5) and Python's json.dumps for odd strings.
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import {
  pythonJsonDumps,
  registrationCacheFile,
  registrationCacheKey,
  ssoCacheDir,
  tokenCacheFile,
} from "../../src/lib/aws";
import { python as botocorePython } from "../support/test-tools";

const HOME = "/home/u";
const CACHE = "/home/u/.aws/sso/cache";

test("cache directory", () => {
  expect(ssoCacheDir(HOME)).toBe(CACHE);
});

test.each([
  ["my-sso", "0ad374308c5a4e22f723adf10145eafad7c4031c"],
  ["https://my-sso-portal.awsapps.com/start", "c7aaaf71fcc8777ae2475525ed049d39fe16c484"],
])("token file for %s (§4.1)", (key, sha1) => {
  expect(tokenCacheFile(HOME, key)).toBe(`${CACHE}/${sha1}.json`);
});

const PORTAL = "https://my-sso-portal.awsapps.com/start";
test.each([
  [
    { startUrl: PORTAL, region: "us-east-1", sessionName: "my-sso", scopes: ["sso:account:access"] },
    `{"region": "us-east-1", "scopes": ["sso:account:access"], "session_name": "my-sso", "startUrl": "${PORTAL}", "tool": "botocore"}`,
    "c5cfae6e3e4f067423a532368c8b514b6a4b0ace",
  ],
  [
    { startUrl: PORTAL, region: "us-east-1", sessionName: "my-sso", scopes: null },
    `{"region": "us-east-1", "scopes": null, "session_name": "my-sso", "startUrl": "${PORTAL}", "tool": "botocore"}`,
    "5d2ad48f7ce068c072924f44a42fb81ca0fd6b99",
  ],
  [
    { startUrl: PORTAL, region: "us-east-1", sessionName: null, scopes: null },
    `{"region": "us-east-1", "scopes": null, "session_name": null, "startUrl": "${PORTAL}", "tool": "botocore"}`,
    "0e093f10f65cee6c5c1898a8e240f5726875bf08",
  ],
  [
    {
      startUrl: "https://d-0000000000.awsapps.com/start",
      region: "us-east-1",
      sessionName: "my-sso",
      scopes: ["sso:account:access"],
    },
    `{"region": "us-east-1", "scopes": ["sso:account:access"], "session_name": "my-sso", "startUrl": "https://d-0000000000.awsapps.com/start", "tool": "botocore"}`,
    "dd27d7a8f5bd42763e31d01abbc7621d71ca85e6",
  ],
])("registration key and file (§4.5) %#", (input, canonical, sha1) => {
  expect(registrationCacheKey(input)).toBe(canonical);
  expect(registrationCacheFile(HOME, input)).toBe(`${CACHE}/${sha1}.json`);
});

test("pythonJsonDumps matches Python's json.dumps(sort_keys=True) on arbitrary strings", () => {
  // One python3 run for many samples: control characters, DEL, non-ASCII, astral characters, lone surrogates.
  const samples = fc.sample(
    fc.record({
      startUrl: fc.string({ unit: "binary", maxLength: 20 }),
      region: fc.string({ unit: "grapheme", maxLength: 8 }),
      sessionName: fc.option(fc.string({ unit: "binary-ascii", maxLength: 12 })),
      scopes: fc.option(fc.array(fc.string({ unit: "binary", maxLength: 6 }), { maxLength: 3 })),
    }),
    { numRuns: 300, seed: 42 },
  );
  samples.push({ startUrl: 'https://ü.example/é\u007f\u0000\t"\\', region: "\u2028", sessionName: "☕𝄞", scopes: [] });
  const python = `
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print(json.dumps({"tool": "botocore", "startUrl": r["startUrl"], "region": r["region"],
        "scopes": r["scopes"], "session_name": r["sessionName"]}, sort_keys=True))
`;
  // JSON.stringify escapes lone surrogates as \\udXXX, which Python's json.loads reads back as the same code unit.
  const py = botocorePython();
  const stdout = execFileSync(py.command, ["-c", python], {
    input: samples.map((s) => JSON.stringify(s)).join("\n") + "\n",
    env: { ...py.env, PATH: process.env.PATH, PYTHONUTF8: "1" },
    encoding: "utf8",
  });
  const expected = stdout.trimEnd().split("\n");
  expect(samples.map((s) => registrationCacheKey(s))).toEqual(expected);
});

test("pythonJsonDumps sorts nested keys by code point", () => {
  expect(pythonJsonDumps({ b: 1, a: [true, null, "é"], B: { z: "x", é: "y" } })).toBe(
    '{"B": {"z": "x", "\\u00e9": "y"}, "a": [true, null, "\\u00e9"], "b": 1}',
  );
});
