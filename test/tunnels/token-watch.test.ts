// Waiting for a new SSO token: answers a rename-replaced file at once via fs.watch, and never resolves on junk.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitForTokenChange } from "../../src/lib/tunnels/worker/token-watch";
import { tempEnv, type TempEnv } from "./helpers";

describe("waitForTokenChange", () => {
  let t: TempEnv;
  beforeEach(() => (t = tempEnv()));
  afterEach(() => t.cleanup());

  function writeAtomically(file: string, content: string): void {
    writeFileSync(`${file}.tmp`, content);
    renameSync(`${file}.tmp`, file);
  }

  test("resolves soon after a usable token is written, without relying on the slow poll", async () => {
    const dir = join(t.dir, ".aws", "sso", "cache");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "abc.json");
    writeAtomically(file, "old");
    let checks = 0;
    const isUsable = async () => {
      checks += 1;
      return (await import("node:fs")).readFileSync(file, "utf8") === "good";
    };
    const started = Date.now();
    const wait = waitForTokenChange(file, { isUsable, pollMs: 60_000 });
    await new Promise((r) => setTimeout(r, 100));
    writeAtomically(file, "junk");
    await new Promise((r) => setTimeout(r, 100));
    writeAtomically(file, "good");
    await wait;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(checks).toBeGreaterThanOrEqual(2);
  });

  test("requireChange ignores a token that merely looks valid; abort rejects", async () => {
    const file = join(t.dir, "cache", "tok.json");
    const controller = new AbortController();
    const wait = waitForTokenChange(file, {
      isUsable: async () => true,
      requireChange: true,
      signal: controller.signal,
      pollMs: 50,
    });
    let settled = false;
    wait.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false);
    controller.abort();
    await expect(wait).rejects.toThrow("aborted");
  });
});
