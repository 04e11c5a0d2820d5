import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ReactTestRenderer } from "react-test-renderer";
import { LaunchType, recorded, resetRaycast, setConfirmAnswer, setPreferences } from "../raycast/api";
import { find, findAll, interact, render, renderNow, waitFor } from "../raycast/render";
import { ProfileList } from "../../src/commands/auth/ProfileList";
import AuthenticateProfile from "../../src/authenticate-profile";
import { fakeLoginWorker } from "./fake-login";
import { emulatedHome, type EmulatedHome } from "./emulated";
import { makeHome, withProcessEnv, type TestHome } from "./fixtures";
import { cliLogin, corpCacheFile, localAccessToken, MIN } from "./mirror-helpers";
import { syncMirrors } from "../../src/commands/mirrors/sync-mirrors";
import { readSettings } from "../../src/commands/settings";

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

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 111122223333
sso_role_name = Developer

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

const itemOf = (view: ReactTestRenderer, profile: string) => find(view.root, "List.Item", (p) => p.title === profile);
const actionOf = (view: ReactTestRenderer, profile: string, title: string) =>
  find(itemOf(view, profile), "Action", (p) => p.title === title).props.onAction as () => Promise<void>;
const accessories = (view: ReactTestRenderer, profile: string) =>
  itemOf(view, profile).props.accessories as { tag?: { value: string }; text?: string; tooltip?: string }[];

async function renderProfiles(env: Record<string, string> = home.env, initialProfile?: string) {
  const view = renderNow(<ProfileList env={env} initialProfile={initialProfile} />);
  expect(find(view.root, "List").props.isLoading).toBe(true);
  await waitFor(() => find(view.root, "List").props.isLoading === false, "profiles to load");
  return view;
}

describe("Authenticate Profile", () => {
  it("lists SSO profiles by session with their state, time left and whether they renew by themselves", async () => {
    cliLogin(await corpCacheFile(home), 50 * MIN);
    const legacyFile = (await import("../../src/lib/aws")).loadAwsConfig({ env: home.env });
    cliLogin((await legacyFile).groups.find((g) => !g.sessionName)!.tokenCacheFile, 90 * MIN, {
      refreshToken: undefined,
      clientId: undefined,
      clientSecret: undefined,
      registrationExpiresAt: undefined,
    });
    const view = await renderProfiles(home.env, "dev-admin");
    expect(find(view.root, "List").props.selectedItemId).toBe("dev-admin");
    const section = find(view.root, "List.Section", (p) => p.title === "corp");
    expect(section.props.subtitle).toBe("https://corp.awsapps.com/start");
    expect(findAll(section, "List.Item").map((i) => i.props.title)).toEqual(["dev", "dev-admin", "chained"]);
    expect(itemOf(view, "dev").props.subtitle).toBe("111122223333 · Developer");
    expect(itemOf(view, "chained").props.subtitle).toBe("444455556666 · Deploy via dev");
    // Renews by itself: no hourly countdown, and the tooltip says so.
    expect(accessories(view, "dev")).toEqual([
      { icon: "ArrowClockwise", tooltip: "Renews silently before it expires" },
      { text: "renews automatically", tooltip: expect.stringMatching(/^Access token valid until /) },
      { tag: { value: "Signed In", color: "Green" }, tooltip: undefined },
    ]);
    // A token the AWS CLI wrote without a refresh token cannot renew: the countdown is until it expires, and the
    // first action is StormTunnel's own sign-in, which gets a refresh token.
    expect(accessories(view, "legacy")[0]).toEqual({
      icon: "Hourglass",
      tooltip: expect.stringMatching(/^Does not renew silently: this token has no refresh token/),
    });
    expect(findAll(itemOf(view, "legacy"), "Action")[0].props.title).toBe(
      "Sign in with StormTunnel to Refresh Automatically",
    );
    expect(findAll(itemOf(view, "dev"), "Action")[0].props.title).toBe("Sign in");
    expect(accessories(view, "legacy")[1].text).toMatch(/^sign in again in (89|90) min$/);
    expect(findAll(view.root, "List.Item").map((i) => i.props.title)).not.toContain("static");
  });

  it("Sign in starts the detached login worker, offers the device code on the way, and reports success", async () => {
    const fake = await fakeLoginWorker(home, [
      { status: "waiting-for-device-code", userCode: "ABCD-EFGH", verificationUriComplete: "https://device/ABCD" },
      { status: "succeeded" },
    ]);
    const view = await renderProfiles();
    let done: Promise<void> | undefined;
    await interact(() => {
      done = actionOf(view, "dev-admin", "Sign in")();
    });
    await waitFor(() => recorded.toasts[0]?.message === "Confirm code ABCD-EFGH in your browser", "the device code");
    const toast = recorded.toasts[0];
    expect(toast.primaryAction?.title).toBe("Open Sign-In Page");
    await interact(() => toast.primaryAction?.onAction?.(toast));
    expect(recorded.opened).toEqual([{ target: "https://device/ABCD", application: undefined }]);
    fake.advance();
    await interact(() => done);
    expect(fake.started()).toEqual({ argv: ["login", "dev-admin"], method: "pkce" });
    expect(recorded.toasts).toHaveLength(1);
    expect(toast.transitions).toEqual(["animated", "success"]);
    expect(toast.title).toBe("Signed in to corp");
  });

  it("shows why a sign-in failed, and honours the device-code preference", async () => {
    setPreferences({ loginMethod: "device-code" });
    const fake = await fakeLoginWorker(home, [{ status: "failed", error: "The sign-in was denied in the browser." }]);
    const view = await renderProfiles();
    await interact(() => actionOf(view, "dev", "Sign in")());
    expect(fake.started()?.method).toBe("device-code");
    const toast = recorded.toasts[0];
    expect(toast.transitions).toEqual(["animated", "failure"]);
    expect([toast.title, toast.message]).toEqual(["Sign-in failed", "The sign-in was denied in the browser."]);
  });

  it("reports a login worker that died before writing anything within 5 s, with its log", async () => {
    home.env.STORMTUNNEL_WORKER_COMMAND = JSON.stringify([process.execPath, "-e", "process.exit(3)"]);
    const view = await renderProfiles();
    const started = Date.now();
    await interact(() => actionOf(view, "dev", "Sign in")());
    expect(Date.now() - started).toBeLessThan(5000);
    const toast = recorded.toasts[0];
    expect(toast.transitions).toEqual(["animated", "failure"]);
    expect([toast.title, toast.message]).toEqual(["Sign-in failed", "The sign-in process ended before finishing."]);
    expect(toast.primaryAction?.title).toBe("Open Log");
    await interact(() => toast.primaryAction?.onAction?.(toast));
    expect(recorded.opened[0].target).toBe(join(home.env.STORMTUNNEL_HOME, "logs", "login-dev.log"));
  });

  it("Cancel Sign-In stops a login that is waiting for the browser", async () => {
    await fakeLoginWorker(home, [{ status: "waiting-for-browser", authorizeUrl: "https://portal/authorize" }]);
    const view = await renderProfiles();
    let done: Promise<void> | undefined;
    await interact(() => {
      done = actionOf(view, "dev", "Sign in")();
    });
    await waitFor(
      () => findAll(itemOf(view, "dev"), "Action").some((a) => a.props.title === "Cancel Sign-In"),
      "Cancel Sign-In to be offered",
    );
    expect(accessories(view, "dev").at(-1)?.tag?.value).toBe("Signing In");
    await interact(() => actionOf(view, "dev", "Cancel Sign-In")());
    await interact(() => done);
    const toast = recorded.toasts[0];
    expect(toast.transitions).toEqual(["animated", "failure"]);
    expect([toast.title, toast.message]).toEqual(["Sign-in cancelled", "The sign-in was cancelled."]);
  });

  it("copies the profile name and opens the AWS config", async () => {
    const view = await renderProfiles();
    expect(
      find(itemOf(view, "dev"), "Action.CopyToClipboard", (p) => p.title === "Copy Profile Name").props.content,
    ).toBe("dev");
    expect(find(itemOf(view, "dev"), "Action.Open", (p) => p.title === "Open AWS Config").props.target).toBe(
      join(home.env.HOME, ".aws", "config"),
    );
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
    expect(String(find(problem, "Action.CopyToClipboard").props.content)).not.toBe("");
    expect(find(problem, "Action.Open").props.target).toBe(join(home.env.HOME, ".aws", "config"));
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

describe("Authenticate Profile against the emulator", () => {
  let emulated: EmulatedHome;
  beforeEach(async () => {
    emulated = await emulatedHome();
  });
  afterEach(() => emulated.close());

  it("Refresh Now renews the token with its refresh token, even when it is not due", async () => {
    const file = await emulated.seedToken();
    const before = JSON.parse(readFileSync(file, "utf8")).accessToken;
    const view = await renderProfiles(emulated.env);
    await interact(() => actionOf(view, "dev", "Refresh Now")());
    const toast = recorded.toasts[0];
    expect(toast.transitions).toEqual(["animated", "success"]);
    expect(toast.title).toBe("Refreshed corp");
    expect(toast.message).toMatch(/^Valid until /);
    expect(emulated.emu.oidc.createTokenCalls.refresh_token).toBe(1);
    expect(JSON.parse(readFileSync(file, "utf8")).accessToken).not.toBe(before);
    expect(recorded.launches).toEqual([{ name: "tunnel-status", type: "background" }]);
  });

  it("Refresh Now says to sign in when the SSO session is over", async () => {
    await emulated.seedToken();
    emulated.emu.oidc.endIdpSessions();
    const view = await renderProfiles(emulated.env);
    await interact(() => actionOf(view, "readonly", "Refresh Now")());
    const toast = recorded.toasts[0];
    expect(toast.transitions).toEqual(["animated", "failure"]);
    expect(toast.title).toBe("Could not refresh corp");
    expect(toast.message).toMatch(/Sign in instead\.$/);
  });

  it("Sign out asks first, then ends the portal session and removes the token and its copies", async () => {
    const file = await emulated.seedToken();
    await syncMirrors(emulated.env, readSettings());
    expect(await localAccessToken()).toBeDefined();
    const view = await renderProfiles(emulated.env);

    setConfirmAnswer(false);
    await interact(() => actionOf(view, "dev", "Sign out")());
    expect(existsSync(file)).toBe(true);
    expect(recorded.alerts[0].title).toBe("Sign out of corp?");

    setConfirmAnswer(true);
    await interact(() => actionOf(view, "dev", "Sign out")());
    expect(existsSync(file)).toBe(false);
    expect(emulated.emu.log.filter((e) => e.operation === "Logout" && e.status === 200)).toHaveLength(1);
    const toast = recorded.toasts.at(-1)!;
    expect(toast.transitions).toEqual(["animated", "success"]);
    expect(toast.title).toBe("Signed out of corp");
    expect(await localAccessToken()).toBeUndefined(); // the LocalStorage copy followed the file
    await waitFor(() => accessories(view, "dev").at(-1)?.tag?.value === "Signed Out", "the list to show it");
  });
});
