// A DataChannel wired to a fake socket and a fake clock, with the handshake done for tests that need it.
import { DataChannel, type DataChannelOptions } from "../../../src/lib/ssm/channel/data-channel";
import { FakeClock } from "./fake-clock";
import { fakeDialer, handshakeComplete, handshakeRequest } from "./fake-socket";

export const URL = "wss://ssmmessages.example/v1/data-channel/s-1?role=publish_subscribe&cell-number=AAA";
export const TOKEN = "secret-token-1";

export function setup(extra: Partial<DataChannelOptions> = {}) {
  const clock = new FakeClock();
  const dialer = fakeDialer();
  const logs: string[] = [];
  const resume = jest.fn<Promise<string | undefined>, []>(async () => "secret-token-2");
  const channel = new DataChannel({
    streamUrl: URL,
    tokenValue: TOKEN,
    clientId: "client-id-1",
    resume,
    dial: dialer.dial,
    clock,
    random: () => 0.5,
    logger: (l) => logs.push(l),
    ...extra,
  });
  const received: Buffer[] = [];
  const ended: [string, string][] = [];
  channel.on("ended", (reason: string, detail: string) => ended.push([reason, detail]));
  return { clock, dialer, logs, resume, channel, received, ended };
}

export async function openChannel(t: ReturnType<typeof setup>) {
  const opened = t.channel.open();
  const ws = t.dialer.last();
  ws.accept();
  ws.deliver(handshakeRequest());
  ws.deliver(handshakeComplete());
  const info = await opened;
  t.channel.setHandler({ output: (p) => (t.received.push(p), true), flag: () => undefined });
  return { ws, info };
}

export const flush = () => new Promise((r) => setImmediate(r));
