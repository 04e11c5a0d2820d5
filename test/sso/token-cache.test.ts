import { promises as fs, statSync, writeFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { deleteToken, readToken, writeToken, type CachedToken } from "../../src/lib/sso/token-cache";
import { formatCacheTimestamp, parseCacheTimestamp } from "../../src/lib/sso/timestamps";
import { makeTempHome, type TempHome } from "./helpers";

let home: TempHome;
let file: string;
beforeEach(() => {
  home = makeTempHome();
  file = join(home.cacheDir, "0ad374308c5a4e22f723adf10145eafad7c4031c.json");
});
afterEach(() => home.cleanup());

const full: CachedToken = {
  startUrl: "https://d-1234567890.awsapps.com/start",
  region: "us-east-1",
  accessToken: "aoaAAAA",
  expiresAt: "2026-01-02T04:04:05Z",
  clientId: "cid",
  clientSecret: "csecret",
  registrationExpiresAt: "2026-04-02T03:04:05Z",
  refreshToken: "aorBBBB",
};

describe("timestamps", () => {
  it.each([
    ["2026-01-02T03:04:05Z", "2026-01-02T03:04:05.000Z"],
    ["2026-01-02T03:04:05.123Z", "2026-01-02T03:04:05.123Z"],
    ["2026-01-02T03:04:05+00:00", "2026-01-02T03:04:05.000Z"],
    ["2026-01-02T05:04:05+02:00", "2026-01-02T03:04:05.000Z"],
    ["2026-01-02T03:04:05UTC", "2026-01-02T03:04:05.000Z"],
    ["2026-01-02T03:04:05", "2026-01-02T03:04:05.000Z"],
    ["2026-01-02T03:04:05.123456Z", "2026-01-02T03:04:05.123Z"],
  ])("parses %s as UTC", (input, iso) => {
    expect(parseCacheTimestamp(input)?.toISOString()).toBe(iso);
  });

  it.each(["", "soon", "2026-13-45", 12345, null])("rejects %p", (input) => {
    expect(parseCacheTimestamp(input)).toBeUndefined();
  });

  it("formats with a Z suffix and round-trips any instant to the second", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        const text = formatCacheTimestamp(ms);
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(parseCacheTimestamp(text)?.getTime()).toBe(Math.floor(ms / 1000) * 1000);
      }),
    );
  });
});

describe("readToken", () => {
  it("reports a missing file as missing", async () => {
    expect(await readToken(file)).toEqual({ state: "missing" });
  });

  it("reads a CLI-written file and says it is refreshable", async () => {
    mkdirSync(home.cacheDir, { recursive: true });
    writeFileSync(file, JSON.stringify(full));
    const r = await readToken(file);
    expect(r.state).toBe("ok");
    if (r.state !== "ok") return;
    expect(r.refreshable).toBe(true);
    expect(r.expiresAt.toISOString()).toBe("2026-01-02T04:04:05.000Z");
    expect(r.registrationExpiresAt?.toISOString()).toBe("2026-04-02T03:04:05.000Z");
    expect(r.mtimeMs).toBeGreaterThan(0);
  });

  it("tolerates other writers: missing client data, UTC suffix, naive timestamps", async () => {
    mkdirSync(home.cacheDir, { recursive: true });
    writeFileSync(file, JSON.stringify({ accessToken: "a", expiresAt: "2026-01-02T03:04:05UTC", ssoSessionName: "x" }));
    const a = await readToken(file);
    expect(a.state === "ok" && a.refreshable).toBe(false);
    writeFileSync(file, JSON.stringify({ ...full, expiresAt: "2026-01-02T03:04:05" }));
    const b = await readToken(file);
    expect(b.state === "ok" && b.expiresAt.toISOString()).toBe("2026-01-02T03:04:05.000Z");
    writeFileSync(file, JSON.stringify({ ...full, registrationExpiresAt: undefined }));
    const c = await readToken(file);
    expect(c.state === "ok" && c.refreshable).toBe(false);
  });

  it.each([
    ["not JSON", '{"accessToken": "a", "expi'],
    ["empty", ""],
    ["an array", "[]"],
    ["no accessToken", JSON.stringify({ expiresAt: "2026-01-02T03:04:05Z" })],
    ["a bad expiresAt", JSON.stringify({ accessToken: "a", expiresAt: "tomorrow" })],
  ])("reports %s as corrupt, with a reason", async (_what, content) => {
    mkdirSync(home.cacheDir, { recursive: true });
    writeFileSync(file, content);
    const r = await readToken(file);
    expect(r.state).toBe("corrupt");
    expect(r.state === "corrupt" && r.reason.length).toBeGreaterThan(0);
  });

  it("retries a half-written file until the writer finishes", async () => {
    mkdirSync(home.cacheDir, { recursive: true });
    writeFileSync(file, '{"accessToken": "a"');
    setTimeout(() => writeFileSync(file, JSON.stringify(full)), 70);
    const r = await readToken(file);
    expect(r.state).toBe("ok");
  });
});

describe("writeToken", () => {
  it("creates the cache directory 0700 and the file 0600, compact JSON with Z timestamps", async () => {
    await writeToken(file, {
      ...full,
      expiresAt: "2026-01-02T04:04:05.123Z",
      registrationExpiresAt: "2026-04-02T03:04:05",
    });
    expect(statSync(home.cacheDir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = await fs.readFile(file, "utf8");
    const json = JSON.parse(text);
    expect(json.expiresAt).toBe("2026-01-02T04:04:05Z");
    expect(json.registrationExpiresAt).toBe("2026-04-02T03:04:05Z");
    expect(Object.keys(json)).toEqual(Object.keys(full));
    expect(readdirSync(home.cacheDir)).toEqual([join(file).split("/").pop()]);
  });

  it("leaves an existing directory's mode alone", async () => {
    mkdirSync(home.cacheDir, { recursive: true, mode: 0o755 });
    await writeToken(file, full);
    expect(statSync(home.cacheDir).mode & 0o777).toBe(0o755);
  });

  it("keeps unknown fields and an existing refresh token the new token lacks", async () => {
    mkdirSync(home.cacheDir, { recursive: true });
    writeFileSync(file, JSON.stringify({ ...full, scopes: ["codewhisperer:completions"] }));
    await writeToken(file, { accessToken: "aoaNEW", expiresAt: "2026-01-02T05:00:00Z", clientId: "cid" });
    const r = JSON.parse(await fs.readFile(file, "utf8"));
    expect(r).toMatchObject({ accessToken: "aoaNEW", refreshToken: "aorBBBB", scopes: ["codewhisperer:completions"] });
  });

  it("drops an old refresh token when the new token comes from another client", async () => {
    await writeToken(file, full);
    await writeToken(file, { accessToken: "aoaNEW", expiresAt: "2026-01-02T05:00:00Z", clientId: "other" });
    const r = JSON.parse(await fs.readFile(file, "utf8"));
    expect(r.refreshToken).toBeUndefined();
    expect(r.clientId).toBe("other");
  });

  it("overwrites a corrupt file", async () => {
    mkdirSync(home.cacheDir, { recursive: true });
    writeFileSync(file, "garbage{");
    await writeToken(file, full);
    expect((await readToken(file)).state).toBe("ok");
  });

  it("keeps any merged token readable (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.string({ minLength: 1 }).filter((k) => !(k in full) && k !== "__proto__"),
          fc.jsonValue(),
        ),
        fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
        async (extra, refreshToken) => {
          mkdirSync(home.cacheDir, { recursive: true });
          writeFileSync(file, JSON.stringify({ ...full, ...extra }));
          await writeToken(file, { accessToken: "x", expiresAt: "2027-01-01T00:00:00.5Z", refreshToken });
          const json = JSON.parse(await fs.readFile(file, "utf8"));
          expect(json.refreshToken).toBe(refreshToken ?? full.refreshToken);
          // Compared as JSON sees them: fc.jsonValue() may produce -0, which JSON writes as 0.
          const asJson = JSON.parse(JSON.stringify(extra));
          for (const k of Object.keys(extra)) expect(json[k]).toEqual(asJson[k]);
          expect((await readToken(file)).state).toBe("ok");
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("deleteToken", () => {
  it("deletes, and says whether there was a file", async () => {
    await writeToken(file, full);
    expect(await deleteToken(file)).toBe(true);
    expect(await deleteToken(file)).toBe(false);
    expect(await readToken(file)).toEqual({ state: "missing" });
  });
});
