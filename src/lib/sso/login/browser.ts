// Opening the user's browser: $BROWSER first (as Python's webbrowser does), else `open` (macOS) / `xdg-open`.
import { spawn } from "node:child_process";
import type { Env } from "../../home";

export type OpenBrowser = (url: string) => Promise<void>;

/** A launcher still running after this long is taken as having opened the page (some $BROWSER commands stay up). */
const SETTLE_MS = 3000;

export function defaultOpenBrowser(env: Env, platform: NodeJS.Platform = process.platform): OpenBrowser {
  return async (url) => {
    const commands = browserCommands(env, platform, url);
    let lastError: Error | undefined;
    for (const argv of commands) {
      try {
        await launch(argv, env);
        return;
      } catch (err) {
        lastError = err as Error;
      }
    }
    throw lastError ?? new Error("no browser command available");
  };
}

/** $BROWSER is a colon-separated list; `%s` in an entry is replaced by the URL, else the URL is appended. */
export function browserCommands(env: Env, platform: NodeJS.Platform, url: string): string[][] {
  const fromEnv = (env.BROWSER ?? "")
    .split(":")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const parts = entry.split(/\s+/);
      return parts.some((p) => p.includes("%s")) ? parts.map((p) => p.replace("%s", url)) : [...parts, url];
    });
  const system = platform === "darwin" ? [["open", url]] : [["xdg-open", url]];
  return [...fromEnv, ...system];
}

function launch(argv: string[], env: Env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      stdio: "ignore",
      detached: true,
      env: env as NodeJS.ProcessEnv,
    });
    const timer = setTimeout(() => {
      child.unref();
      resolve();
    }, SETTLE_MS);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`${argv[0]}: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${argv[0]} exited with status ${code}`));
    });
  });
}
