import { LaunchType, recorded, resetRaycast } from "../raycast/api";
import { find, findAll, interact, render, renderNow, waitFor } from "../raycast/render";
import { ProfileList } from "../../src/commands/auth/ProfileList";
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

  it("Authenticate Profile explains the interim AWS CLI route until the SSO engine is wired", async () => {
    const view = await renderProfiles();
    const signIn = find(
      find(view.root, "List.Item", (p) => p.title === "dev"),
      "Action",
      (p) => p.title === "Authenticate Profile",
    );
    await interact(() => (signIn.props.onAction as () => Promise<void>)());
    expect(recorded.toasts.map((t) => [t.title, t.message])).toEqual([
      ["Sign-in arrives with the SSO engine", "For now run: aws sso login --profile dev"],
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
