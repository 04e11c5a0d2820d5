import { spawn } from "node:child_process";
import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { acquireFileLock, isLockHeld, LockBusyError, LockCancelledError, withFileLock } from "../src/lib/lock";
import { classifySsoError } from "../src/lib/sso/errors";
import { makeTempHome, sleep, type TempHome } from "./sso/helpers";

let home: TempHome;
let lockPath: string;
beforeEach(() => {
  home = makeTempHome();
  lockPath = join(home.dir, "locks", "session.json.lock");
});
afterEach(() => home.cleanup());

it("serialises holders inside one process", async () => {
  let inside = 0;
  let maxInside = 0;
  const order: number[] = [];
  await Promise.all(
    [1, 2, 3, 4, 5].map((n) =>
      withFileLock(lockPath, async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await sleep(20);
        order.push(n);
        inside--;
      }),
    ),
  );
  expect(maxInside).toBe(1);
  expect(order.sort()).toEqual([1, 2, 3, 4, 5]);
  expect(existsSync(lockPath)).toBe(false);
});

it("waits for a holder in another process, then takes the lock", async () => {
  // A plain node child: create the lock O_EXCL with its own pid, hold it 600 ms, remove it.
  const child = spawn(process.execPath, [
    "-e",
    `const fs=require("fs");fs.mkdirSync(require("path").dirname(process.argv[1]),{recursive:true});
     fs.writeFileSync(process.argv[1],JSON.stringify({pid:process.pid,nonce:"c",createdAt:""}),{flag:"wx"});
     process.stdout.write("held\\n");setTimeout(()=>fs.unlinkSync(process.argv[1]),600);`,
    lockPath,
  ]);
  await new Promise<void>((r) => child.stdout.once("data", () => r()));
  expect(await isLockHeld(lockPath)).toBe(true);
  const t0 = Date.now();
  await withFileLock(lockPath, async () => undefined, { timeoutMs: 5000 });
  expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
  await new Promise((r) => (child.exitCode === null ? child.once("exit", r) : r(null)));
});

it("breaks a lock left by a dead process", async () => {
  const dead = spawn(process.execPath, ["-e", ""]);
  await new Promise((r) => dead.once("exit", r));
  mkdirSync(dirname(lockPath), { recursive: true });
  writeFileSync(lockPath, JSON.stringify({ pid: dead.pid, nonce: "n", createdAt: "" }));
  expect(await isLockHeld(lockPath)).toBe(false);
  const lock = await acquireFileLock(lockPath, { timeoutMs: 1000 });
  expect(lock).toBeDefined();
  await lock?.release();
});

it("breaks a lock nobody has touched for staleMs, garbage content included", async () => {
  mkdirSync(dirname(lockPath), { recursive: true });
  writeFileSync(lockPath, "not json");
  const old = new Date(Date.now() - 60_000);
  utimesSync(lockPath, old, old);
  const lock = await acquireFileLock(lockPath, { timeoutMs: 1000, staleMs: 10_000 });
  expect(lock).toBeDefined();
  await lock?.release();
});

it("keeps a long-held lock fresh with a heartbeat", async () => {
  const holder = await acquireFileLock(lockPath, { staleMs: 300 });
  expect(holder).toBeDefined();
  const other = await acquireFileLock(lockPath, { staleMs: 300, timeoutMs: 900 });
  expect(other).toBeUndefined();
  await holder?.release();
  const after = await acquireFileLock(lockPath, { timeoutMs: 0 });
  expect(after).toBeDefined();
  await after?.release();
});

it("gives up after timeoutMs (transient for SSO callers), and stops when aborted (a cancel)", async () => {
  const holder = await acquireFileLock(lockPath);
  const busy = await withFileLock(lockPath, async () => 1, { timeoutMs: 100 }).catch((e: unknown) => e);
  expect(busy).toBeInstanceOf(LockBusyError);
  expect(classifySsoError(busy)).toMatchObject({ kind: "transient", code: "LockTimeout" });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const err = await acquireFileLock(lockPath, { timeoutMs: 10_000, signal: ac.signal }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LockCancelledError);
  expect(classifySsoError(err).kind).toBe("cancelled");
  await holder?.release();
});

it("releases when fn throws", async () => {
  await expect(
    withFileLock(lockPath, async () => {
      throw new Error("boom");
    }),
  ).rejects.toThrow("boom");
  expect(existsSync(lockPath)).toBe(false);
});
