// The setup every data-channel test file shares: per test, a fresh emulator and a loopback echo server as the
// session's destination, both torn down afterwards.
import { Harness } from "./session";
import { startEchoServer, type TcpTarget } from "./tcp";

/** Registers beforeEach/afterEach; `echo()` is the current test's echo server. */
export function useDataChannelHarness(): { h: Harness; echo: () => TcpTarget } {
  const h = new Harness();
  let echo: TcpTarget;

  beforeEach(async () => {
    await h.start();
    echo = await startEchoServer();
    h.onCleanup(() => echo.close());
  });
  afterEach(() => h.stop());

  return { h, echo: () => echo };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
