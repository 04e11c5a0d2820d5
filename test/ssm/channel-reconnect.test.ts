import { PayloadType, type ClientMessage } from "../../src/lib/ssm/message";
import { agentMessage, handshakeComplete, handshakeRequest } from "./helpers/fake-socket";
import { flush, openChannel, setup, TOKEN, URL } from "./helpers/channel-setup";

describe("DataChannel: reconnect", () => {
  it("queues data while down, resumes to the original URL with the new token, same ClientId, no new handshake", async () => {
    const t = setup();
    const { ws } = await openChannel(t);
    ws.ackClient(ws.data()[0]);
    t.channel.sendOutput(Buffer.from("before"));
    const reconnecting: number[] = [];
    t.channel.on("reconnecting", (a: number) => reconnecting.push(a));
    let reconnected = 0;
    t.channel.on("reconnected", () => reconnected++);
    ws.drop(1000);
    t.channel.sendOutput(Buffer.from("during")); // §15 item 2: queued, not fatal
    await flush();
    expect(t.resume).toHaveBeenCalledTimes(1);
    expect(reconnecting).toEqual([1]);
    const ws2 = t.dialer.last();
    expect(ws2).not.toBe(ws);
    expect(ws2.url).toBe(URL);
    ws2.accept();
    await flush();
    expect(reconnected).toBe(1);
    const input1 = JSON.parse(ws.texts[0]);
    const input2 = JSON.parse(ws2.texts[0]);
    expect(input2.TokenValue).toBe("secret-token-2");
    expect(input2.ClientId).toBe(input1.ClientId);
    expect(input2.RequestId).not.toBe(input1.RequestId);
    expect(ws2.data().map((m) => [m.sequenceNumber, String(m.payload)])).toEqual([
      [1, "before"],
      [2, "during"],
    ]);
    ws2.deliver(agentMessage(2, PayloadType.Output, "after"));
    expect(t.received.map(String)).toEqual(["after"]);
    expect(ws2.acks()).toEqual([2]);
    expect(t.logs.join("\n")).not.toContain("secret-token");
    t.channel.close();
  });

  it("ends with resume-refused when ResumeSession returns no token", async () => {
    const t = setup();
    t.resume.mockResolvedValue(undefined);
    const { ws } = await openChannel(t);
    ws.drop(1006);
    await flush();
    expect(t.ended).toEqual([["resume-refused", expect.stringContaining("session has ended")]]);
  });

  it("retries with capped, jittered backoff well past 5 s, then gives up after the budget", async () => {
    const t = setup({ backoff: { initialMs: 200, maxMs: 2000, budgetMs: 20_000 } });
    t.resume.mockRejectedValue(Object.assign(new Error("throttled"), { name: "ThrottlingException" }));
    const { ws } = await openChannel(t);
    const delays: number[] = [];
    t.channel.on("reconnecting", (_a: number, d: number) => delays.push(d));
    ws.drop(1006);
    for (let i = 0; i < 200 && t.ended.length === 0; i++) {
      await flush();
      t.clock.advance(250);
    }
    expect(delays.slice(0, 6)).toEqual([0, 150, 300, 600, 1200, 1500]); // random() = 0.5: 3/4 of the base
    expect(Math.max(...delays)).toBe(1500);
    expect(t.resume.mock.calls.length).toBeGreaterThan(10);
    expect(t.ended[0][0]).toBe("error");
    expect(t.logs.join("\n")).toContain("ThrottlingException");
  });

  it("counts a hung ResumeSession as a failed attempt and tries again", async () => {
    const t = setup();
    t.resume.mockImplementationOnce(() => new Promise(() => undefined));
    const { ws } = await openChannel(t);
    ws.drop(1006);
    await flush();
    expect(t.resume).toHaveBeenCalledTimes(1);
    t.clock.advance(30_000);
    await flush();
    t.clock.advance(1000);
    await flush();
    expect(t.resume).toHaveBeenCalledTimes(2);
    expect(t.logs.join("\n")).toContain("ResumeSession took longer");
    t.dialer.last().accept();
    await flush();
    expect(t.ended).toEqual([]);
    t.channel.close();
  });

  it("ends at once when ResumeSession is denied for good", async () => {
    const t = setup();
    t.resume.mockRejectedValue(
      Object.assign(new Error("needs ssm:ResumeSession"), { name: "AccessDeniedException", permanent: true }),
    );
    const { ws } = await openChannel(t);
    ws.drop(1006);
    await flush();
    expect(t.ended).toEqual([["error", expect.stringContaining("AccessDeniedException")]]);
  });

  it("re-dials with the same token when the very first connection fails", async () => {
    const t = setup();
    const opened = t.channel.open();
    t.dialer.last().drop(1006);
    await flush();
    t.clock.advance(1000);
    await flush();
    expect(t.resume).not.toHaveBeenCalled();
    const ws2 = t.dialer.last();
    ws2.accept();
    expect(JSON.parse(ws2.texts[0]).TokenValue).toBe(TOKEN);
    ws2.deliver(handshakeRequest());
    ws2.deliver(handshakeComplete());
    await expect(opened).resolves.toMatchObject({ agentVersion: "3.3.987.0" });
    t.channel.close();
  });

  it("treats a ping period without any inbound frame as a dead socket", async () => {
    const t = setup({ pingIntervalMs: 60_000 });
    const { ws } = await openChannel(t);
    ws.ackClient(ws.data()[0]);
    t.clock.advance(60_000); // traffic since the first ping: ping again
    expect(ws.pings).toBe(2);
    t.clock.advance(60_000); // nothing since: reconnect
    await flush();
    expect(t.resume).toHaveBeenCalledTimes(1);
    t.channel.close();
  });

  it("terminate sends the TerminateSession flag and waits for its ack", async () => {
    const t = setup();
    const { ws } = await openChannel(t);
    const done = t.channel.terminate(1000);
    const flag = ws.data().find((m: ClientMessage) => m.payloadType === PayloadType.Flag)!;
    expect(flag.payload).toEqual(Buffer.from([0, 0, 0, 2]));
    ws.ackClient(flag);
    await done;
    expect(t.ended).toEqual([["terminated", expect.any(String)]]);
  });
});
