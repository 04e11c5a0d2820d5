// Headless Chromium for browser tests: the one scripts/ensure-test-tools.mjs finds or fetches (see test-tools.ts).
import { chromium, type Browser } from "playwright-core";
import { testTool } from "./test-tools";

// Without the background-networking flags Chromium keeps dialling Google, which a closed network refuses.
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A headless browser; launch() gives it a fresh temporary profile (user-data-dir). */
export function launchChromium(): Promise<Browser> {
  const tool = testTool("chromium");
  return chromium.launch({
    executablePath: tool.command,
    env: { ...process.env, ...tool.env },
    headless: true,
    args: ARGS,
  });
}
