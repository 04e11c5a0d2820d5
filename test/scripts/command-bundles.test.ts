// What each Raycast command carries (raycast.md §7, §10-11): every command is bundled on its own, so the AWS SDK
// stays out of the menu bar (it renders every minute, in a small heap) and the 1-minute background command carries
// only the SSO OIDC client it refreshes with. The SDK lives in the views that call AWS (the target picker).
import { build } from "esbuild";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

/** The npm packages an entry's bundle pulls in, as `ray build` bundles it (Raycast and React stay external). */
async function packagesOf(entry: string): Promise<Set<string>> {
  const result = await build({
    entryPoints: [join(ROOT, "src", entry)],
    bundle: true,
    platform: "node",
    format: "cjs",
    write: false,
    metafile: true,
    logLevel: "silent",
    external: ["@raycast/api", "react", "react/jsx-runtime"],
  });
  const packages = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const i = input.lastIndexOf("node_modules/");
    if (i < 0) continue;
    const [scope, name] = input.slice(i + "node_modules/".length).split("/");
    packages.add(scope.startsWith("@") ? `${scope}/${name}` : scope);
  }
  return packages;
}

const awsClients = (packages: Set<string>) => [...packages].filter((p) => p.startsWith("@aws-sdk/client-")).sort();

describe("command bundles", () => {
  it("the menu bar carries no AWS SDK at all", async () => {
    const packages = await packagesOf("tunnel-status.tsx");
    expect([...packages].filter((p) => p.startsWith("@aws-sdk/") || p.startsWith("@smithy/"))).toEqual([]);
  }, 60_000);

  it("the background refresh carries the SSO OIDC client only", async () => {
    expect(awsClients(await packagesOf("refresh-tokens.ts"))).toEqual(["@aws-sdk/client-sso-oidc"]);
  }, 60_000);

  it("Connect Tunnel carries the clients its target picker calls", async () => {
    expect(awsClients(await packagesOf("connect-tunnel.tsx"))).toEqual(
      expect.arrayContaining(["@aws-sdk/client-ec2", "@aws-sdk/client-ssm", "@aws-sdk/client-sso"]),
    );
  }, 60_000);
});
