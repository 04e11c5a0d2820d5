// `npm run bench`: every benchmark in one run, side by side, as markdown in bench/results/latest.md (and printed).
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { machine, run as runTunnel } from "./tunnel.bench";

async function optional(file: string): Promise<string | undefined> {
  if (!existsSync(join(__dirname, `${file}.ts`))) return undefined;
  const mod = (await import(`./${file}`)) as { run?: () => Promise<string> };
  return mod.run ? mod.run() : undefined;
}

async function main(): Promise<void> {
  const sections: string[] = [
    "# StormTunnel benchmarks",
    "",
    `Run ${new Date().toISOString()} on ${machine()}.`,
    "Targets are measured, not asserted: the tables show where we stand.",
    "",
    "## Tunnel: direct loopback vs through the tunnel (real worker bundle, emulator on loopback; paced = the agent's 1 KiB + 1 ms)",
    "",
    await runTunnel(),
  ];
  const refresh = await optional("refresh.bench");
  if (refresh) sections.push("", "## SSO refresh", "", refresh);
  const markdown = sections.join("\n") + "\n";
  const dir = join(__dirname, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "latest.md.tmp"), markdown);
  renameSync(join(dir, "latest.md.tmp"), join(dir, "latest.md"));
  process.stdout.write(markdown);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
