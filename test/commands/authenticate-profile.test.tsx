import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ReactTestRenderer } from "react-test-renderer";
import { LaunchType, recorded, resetRaycast, setPreferences } from "../raycast/api";
import { find, findAll, interact, render, renderNow, waitFor } from "../raycast/render";
import { ProfileList } from "../../src/commands/auth/ProfileList";
import { loadAwsConfig } from "../../src/lib/aws";
import { loginProgressFile } from "../../src/lib/sso/login/state";
import AuthenticateProfile from "../../src/authenticate-profile";
import { makeHome, withProcessEnv, type TestHome } from "./fixtures";

const CONFIG = `[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer

[profile dev-admin]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin

[profile chained]
source_profile = dev
role_arn = arn:aws:iam::444455556666:role/Deploy

[profile static]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
`;

let home: TestHome;
beforeEach(() => {
  resetRaycast();
  home = makeHome(CONFIG);
});
afterEach(() => home.cleanup());

/**
 * Stands in for `stormtunnel login`: records its argv and login method, then writes the given progress steps to the
 * session's progress file, as the real login worker does. Wired through STORMTUNNEL_WORKER_COMMAND.
 */
async function fakeLoginWorker(steps: Record<string, string>[]) {
  const config = await loadAwsConfig({ env: home.env });
  const progressFile = loginProgressFile(home.env, config.groups[0]);
  const script = join(home.root, "fake-login.js");
  const argvFile = join(home.root, "argv.json");
  writeFileSync(
    script,
    `const fs = require("fs"), path = require("path");
fs.writeFileSync(${JSON.stringify(argvFile)}, JSON.stringify({ argv: process.argv.slice(2), method: process.env.STORMTUNNEL_LOGIN_METHOD }));
const steps = ${JSON.stringify(steps)};
fs.mkdirSync(path.dirname(${JSON.stringify(progressFile)}), { recursive: true });
steps.forEach((step, i) => setTimeout(() => {
  const now = new Date().toISOString();
  const progress = { pid: process.pid, sessionKey: "k", method: "pkce", startedAt: now, updatedAt: now, ...step };
  fs.writeFileSync(${JSON.stringify(progressFile)}, JSON.stringify(progress));
}, i * 600));
`,
  );
  home.env.STORMTUNNEL_WORKER_COMMAND = JSON.stringify([process.execPath, script]);
  return { argvFile };
}

const actionOf = (view: ReactTestRenderer, profile: string, title: string) =>
  find(
    find(view.root, "List.Item", (p) => p.title === profile),
    "Action",
    (p) => p.title === title,
  ).props.onAction as () => Promise<void>;

async function renderProfiles(initialProfile?: string) {
  const view = renderNow(<ProfileList env={home.env} initialProfile={initialProfile} />);
  expect(find(view.root, "List").props.isLoading).toBe(true);
  await waitFor(() => find(view.root, "List").props.isLoading === false, "profiles to load");
  return view;
}

describe("Authenticate Profile", () => {
  it("lists SSO profiles grouped by SSO session with their token state", async () => {
    const view = await renderProfiles("dev-admin");
    expect(find(view.root, "List").props.selectedItemId).toBe("dev-admin");
    const section = find(view.root, "List.Section");
    expect(section.props.title).toBe("corp");
    expect(section.props.subtitle).toBe("https://corp.awsapps.com/start");
    const items = findAll(section, "List.Item");
    expect(items.map((i) => i.props.title)).toEqual(["dev", "dev-admin", "chained"]);
    expect(items[0].props.subtitle).toBe("111122223333 · Developer");
    expect(items[2].props.subtitle).toBe("role via dev");
    expect(items[0].props.accessories).toEqual([
      expect.objectContaining({ tag: { value: "Signed Out", color: "SecondaryText" } }),
    ]);
    expect(findAll(view.root, "List.Item").map((i) => i.props.title)).not.toContain("static");
  });

  it("Authenticate Profile starts the detached login worker and reports success", async () => {
    const fake = await fakeLoginWorker([
      { status: "waiting-for-device-code", userCode: "ABCD-EFGH" },
      { status: "succeeded" },
    ]);
    const view = await renderProfiles();
    await interact(() => actionOf(view, "dev-admin", "Authenticate Profile")());

    expect(JSON.parse(readFileSync(fake.argvFile, "utf8"))).toEqual({ argv: ["login", "dev-admin"], method: "pkce" });
    expect(recorded.toasts).toHaveLength(1);
    const toast = recorded.toasts[0];
    expect([toast.style, toast.title]).toEqual(["success", "Signed in to corp"]);
    expect(toast.primaryAction?.title).toBe("Copy Code"); // the device code was offered on the way
  });

  it("Authenticate Profile shows why a sign-in failed, and honours the device-code preference", async () => {
    setPreferences({ loginMethod: "device-code" });
    const fake = await fakeLoginWorker([{ status: "failed", error: "The sign-in was denied in the browser." }]);
    const view = await renderProfiles();
    await interact(() => actionOf(view, "dev", "Authenticate Profile")());
    expect(JSON.parse(readFileSync(fake.argvFile, "utf8")).method).toBe("device-code");
    const toast = recorded.toasts[0];
    expect([toast.style, toast.title, toast.message]).toEqual([
      "failure",
      "Sign-in failed",
      "The sign-in was denied in the browser.",
    ]);
  });

  it("explains a missing config file and offers the preferences", async () => {
    home.writeAwsConfig("");
    const view = await renderProfiles();
    const empty = find(view.root, "List.EmptyView");
    expect(empty.props.title).toBe("No SSO profiles");
    await interact(() =>
      (find(empty, "Action", (p) => p.title === "Open Extension Preferences").props.onAction as () => Promise<void>)(),
    );
    expect(recorded.preferencesOpened).toEqual(["extension"]);
  });

  it("shows what is wrong in a broken config beside the profiles that still load", async () => {
    home.writeAwsConfig(`${CONFIG}
[profile broken]
sso_session = nowhere
sso_account_id = 111122223333
sso_role_name = Developer
`);
    const view = await renderProfiles();
    expect(findAll(view.root, "List.Item").map((i) => i.props.title)).toEqual(
      expect.arrayContaining(["dev", "dev-admin"]),
    );
    const section = find(view.root, "List.Section", (p) => p.title === "Problems in the AWS Config");
    const problem = find(section, "List.Item", (p) => p.title === "[profile broken] sso_session");
    expect(problem.props.subtitle).toContain("nowhere");
    const copy = find(problem, "Action.CopyToClipboard");
    expect(String(copy.props.content)).not.toBe("");
    expect(find(problem, "Action.Open").props.target).toBe(join(home.env.HOME, ".aws", "config"));
  });

  it("shows no problems section for a clean config", async () => {
    const view = await renderProfiles();
    const titles = findAll(view.root, "List.Section").map((s) => s.props.title);
    expect(titles).toContain("corp");
    expect(titles).not.toContain("Problems in the AWS Config");
  });

  it("the entry point preselects the profile passed in the launch context", async () => {
    await withProcessEnv(home.env, async () => {
      const props = { launchType: LaunchType.UserInitiated, arguments: {}, launchContext: { profile: "dev" } };
      const view = await render(
        <AuthenticateProfile {...(props as unknown as Parameters<typeof AuthenticateProfile>[0])} />,
      );
      expect(find(view.root, "List").props.selectedItemId).toBe("dev");
      await waitFor(() => find(view.root, "List").props.isLoading === false);
    });
  });
});
