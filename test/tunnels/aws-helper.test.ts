// The worker's side of its AWS helper process, against a stand-in helper: calls and answers, errors that keep their
// meaning, one process for many calls, let go when idle, a helper that dies mid-call fails only that call.
import { join } from "node:path";
import { AwsHelper } from "../../src/lib/tunnels/worker/aws-calls/helper-client";
import type { SsmTarget } from "../../src/lib/tunnels/worker/aws-calls/calls";
import { classifyFailure } from "../../src/lib/tunnels/worker/errors";
import { pidExists } from "../../src/lib/tunnels/supervisor/liveness";
import { waitFor } from "./helpers";

const FAKE = join(__dirname, "fixtures", "fake-aws-helper.js");
const target = {} as SsmTarget;

describe("AwsHelper", () => {
  let helper: AwsHelper;
  afterEach(() => helper.calls.close());

  function start(idleMs = 200): AwsHelper {
    // The fake ignores the "aws-helper" argument the client appends, as node ignores extra script arguments.
    helper = new AwsHelper({ command: [process.execPath, FAKE], env: { PATH: process.env.PATH ?? "" }, idleMs });
    return helper;
  }

  it("answers calls from one helper process, then lets it go when idle and starts another for the next call", async () => {
    start();
    const [a, b] = await Promise.all([
      helper.calls.startSession(target, { target: "i-1", portNumber: 22 }),
      helper.calls.resumeSession(target, "s-1"),
    ]);
    expect(a).toMatchObject({ sessionId: "s-1", input: { target: "i-1", portNumber: 22 } });
    expect(b).toBe("token-for-s-1");
    expect(await helper.calls.resumeSession(target, "gone")).toBeUndefined();
    expect(helper.started).toBe(1);
    const pid = helper.pid!;
    await waitFor(() => !helper.running);
    await waitFor(async () => !(await pidExists(pid)) || undefined);
    await helper.calls.resumeSession(target, "s-2");
    expect(helper.started).toBe(2);
  });

  it("streams a sign-in's progress to the worker before its answer", async () => {
    start();
    const seen: unknown[] = [];
    const group = {} as Parameters<typeof helper.calls.login>[0];
    await helper.calls.login(group, { method: "device-code", endpoints: {} }, (p) => seen.push(p));
    expect(seen).toEqual([{ status: "starting" }, { status: "waiting-for-device-code", userCode: "ABCD-EFGH" }]);
  });

  it("brings AWS errors across with their name, so the worker classifies them as it would in-process", async () => {
    start();
    const err = await helper.calls.terminateSession(target, "s-1").catch((e: Error) => e);
    expect(err).toMatchObject({ name: "ThrottlingException", message: "Rate exceeded" });
    expect(classifyFailure(err).kind).toBe("transient");
  });

  it("a helper that dies mid-call fails that call as a network error; the next call starts a new helper", async () => {
    start();
    const err = await helper.calls.resumeSession(target, "die").catch((e: Error & { code?: string }) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as { code?: string }).code).toBe("ECONNRESET");
    expect((err as Error).message).toMatch(/AWS helper exited \(code 3\)/);
    expect(classifyFailure(err).kind).toBe("transient");
    expect(await helper.calls.resumeSession(target, "s-3")).toBe("token-for-s-3");
    expect(helper.started).toBe(2);
  });

  it("an aborted call rejects at once with an AbortError and is cancelled in the helper", async () => {
    start();
    const controller = new AbortController();
    const hanging = helper.calls.resumeSession(target, "hang", controller.signal);
    controller.abort();
    await expect(hanging).rejects.toMatchObject({ name: "AbortError" });
    expect(await helper.calls.resumeSession(target, "cancelled?")).toBe("cancelled:1");
    await expect(helper.calls.resumeSession(target, "x", controller.signal)).rejects.toMatchObject({
      name: "AbortError",
    });
  });

  it("close() lets a call under way finish, then the helper goes", async () => {
    start(60_000);
    const slow = helper.calls.resumeSession(target, "slow");
    const pid = helper.pid!;
    helper.calls.close();
    expect(await slow).toBe("slow-done");
    await waitFor(async () => !(await pidExists(pid)) || undefined);
  });

  it("warm() starts the helper ahead of a call, and an unused one still goes when idle", async () => {
    start(200);
    helper.calls.warm();
    expect(helper.running).toBe(true);
    await waitFor(() => !helper.running);
    expect(helper.started).toBe(1);
  });

  it("after close, calls are refused and the helper process is gone", async () => {
    start(60_000);
    await helper.calls.resumeSession(target, "s-1");
    const pid = helper.pid!;
    helper.calls.close();
    await waitFor(async () => !(await pidExists(pid)) || undefined);
    await expect(helper.calls.resumeSession(target, "s-1")).rejects.toThrow(/stopping/);
  });
});
