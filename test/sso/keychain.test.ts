import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Keychain, KeychainUnavailableError, SECURITY_LINE_LIMIT, quote } from "../../src/lib/sso/mirrors/keychain";
import {
  KEYCHAIN_TOKEN_SERVICE,
  KeychainTokenMirror,
  type MirroredToken,
} from "../../src/lib/sso/mirrors/keychain-mirror";

const FAKE = resolve(__dirname, "../fixtures/fake-security/security");

interface Call {
  argv: string[];
  stdin: string;
}

let dir: string;
const env = () => ({ PATH: process.env.PATH, FAKE_SECURITY_DIR: dir });
const calls = (): Call[] =>
  existsSync(join(dir, "calls.jsonl"))
    ? readFileSync(join(dir, "calls.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Call)
    : [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "st-keychain-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = "aoaSECRETaccessTOKEN0123456789abcdefghij";
const token = (over: Partial<MirroredToken> = {}): MirroredToken => ({
  v: 1,
  sessionKey: "corp",
  startUrl: "https://d-0000000000.awsapps.com/start",
  region: "us-east-1",
  accessToken: SECRET,
  expiresAt: "2026-01-02T03:04:05Z",
  ...over,
});

describe("Keychain mirror through security -i", () => {
  test("writes one item per profile with the secret on stdin only, and reads it back", async () => {
    const m = new KeychainTokenMirror({ securityPath: FAKE, env: env() });
    await m.write("dev", token());
    await expect(m.read("dev")).resolves.toEqual(token());

    const all = calls();
    const hex = Buffer.from(JSON.stringify(token()), "utf8").toString("hex");
    for (const c of all) {
      const argv = c.argv.join(" ");
      expect(argv).not.toContain(SECRET);
      expect(argv).not.toContain(hex);
    }
    const write = all.find((c) => c.argv[0] === "-i")!;
    expect(write.argv).toEqual(["-i"]);
    expect(write.stdin).toBe(
      `add-generic-password -U -a "dev" -s "${KEYCHAIN_TOKEN_SERVICE}" -l "StormTunnel SSO token (dev)" -X ${hex}\n`,
    );
    const store = JSON.parse(readFileSync(join(dir, "store.json"), "utf8")) as Record<string, { account: string }>;
    expect(Object.values(store).map((i) => i.account)).toEqual(["dev"]);
  });

  test("-U updates the same item in place", async () => {
    const m = new KeychainTokenMirror({ securityPath: FAKE, env: env() });
    await m.write("dev", token());
    await m.write("dev", token({ expiresAt: "2026-01-02T05:00:00Z" }));
    expect((await m.read("dev"))?.expiresAt).toBe("2026-01-02T05:00:00Z");
  });

  test("a missing item (exit 44) reads as undefined and deletes as false", async () => {
    const m = new KeychainTokenMirror({ securityPath: FAKE, env: env() });
    await expect(m.read("nope")).resolves.toBeUndefined();
    await expect(m.remove("nope")).resolves.toBe(false);
    await m.write("dev", token());
    await expect(m.remove("dev")).resolves.toBe(true);
    await expect(m.read("dev")).resolves.toBeUndefined();
  });

  test("a locked keychain (exit 36) marks the mirror unavailable with a clear message, and stops calling", async () => {
    writeFileSync(join(dir, "locked"), "");
    const m = new KeychainTokenMirror({ securityPath: FAKE, env: env() });
    await expect(m.write("dev", token())).rejects.toBeInstanceOf(KeychainUnavailableError);
    expect(m.unavailable).toMatch(/Keychain is locked/);
    const before = calls().length;
    await expect(m.read("dev")).rejects.toThrow(/locked/);
    expect(calls().length).toBe(before);
  });

  test("values over the ~4 KiB stdin line are split across items, never sent in argv", async () => {
    const long = "aoa" + "x".repeat(5000);
    const m = new KeychainTokenMirror({ securityPath: FAKE, env: env() });
    await m.write("dev", token({ accessToken: long }));
    await expect(m.read("dev")).resolves.toEqual(token({ accessToken: long }));
    for (const c of calls()) {
      expect(c.argv.join(" ")).not.toContain("xxxxxxxx");
      for (const line of c.stdin.split("\n")) expect(line.length).toBeLessThanOrEqual(SECURITY_LINE_LIMIT);
    }
    expect(calls().filter((c) => c.argv[0] === "-i").length).toBeGreaterThan(1);
    await expect(m.remove("dev")).resolves.toBe(true);
    expect(JSON.parse(readFileSync(join(dir, "store.json"), "utf8"))).toEqual({});
  });

  test("profile names are quoted; a line break cannot inject a second command", async () => {
    expect(quote('we"ird\\name')).toBe('"we\\"ird\\\\name"');
    expect(() => quote("a\nadd-generic-password")).toThrow(/control characters/);
    const k = new Keychain("svc", { securityPath: FAKE, env: env() });
    await k.set('odd "name" here', "label", "{}");
    await expect(k.get('odd "name" here')).resolves.toBe("{}");
  });

  test("a missing security binary is an error, not a crash", async () => {
    const k = new Keychain("svc", { securityPath: join(dir, "nope"), env: env() });
    await expect(k.get("dev")).rejects.toThrow(/Cannot run/);
  });
});
