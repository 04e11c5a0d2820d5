// `npm run demo` as a user runs it: a separate process, exit code 0, and every narrated step reached.
import { execFile } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

test("the demo runs end to end and leaves nothing behind", async () => {
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", join(ROOT, "scripts", "demo.ts")],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp" },
        timeout: 240_000,
      },
      (err, out, errOut) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: out, stderr: errOut }),
    );
  });
  if (code !== 0) throw new Error(`demo exited ${code}\n${stdout}\n${stderr}`);
  for (const step of [
    "Sign-in page: http://127.0.0.1:",
    "GET / → hello from the StormTunnel test target",
    "echo → ping through Session Manager",
    "1 MiB download → ",
    "paces output like the real one",
    "auth-required",
    "no StartSession/ResumeSession attempts",
    "both tunnels run on new Session Manager sessions",
    "echo → still here",
    "no worker process left",
    "Demo finished: every step worked.",
  ]) {
    expect(stdout).toContain(step);
  }
  // Paced like AWS (the emulator counted the agent's sleeps: at least one per 1 KiB of the 1 MiB download) and
  // still within a minute.
  expect(Number(/(\d+) pacing sleeps so far/.exec(stdout)?.[1])).toBeGreaterThanOrEqual(1024);
  expect(Number(/took (\d+) s/.exec(stdout)?.[1])).toBeLessThanOrEqual(60);
}, 250_000);
