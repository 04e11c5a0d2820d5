// Authenticate Profile lists a BOM at the top of ~/.aws/config among the config's problems: the AWS CLI cannot read
// such a file, though StormTunnel can.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { resetRaycast } from "../raycast/api";
import { find, renderNow, waitFor } from "../raycast/render";
import { ProfileList } from "../../src/commands/auth/ProfileList";
import { makeHome, SSO_CONFIG, type TestHome } from "./fixtures";

let home: TestHome;
beforeEach(() => {
  resetRaycast();
  home = makeHome();
  writeFileSync(join(home.env.HOME, ".aws", "config"), `\uFEFF${SSO_CONFIG}`);
});
afterEach(() => home.cleanup());

it("shows the BOM warning beside the profiles that load", async () => {
  const view = renderNow(<ProfileList env={home.env} />);
  await waitFor(() => find(view.root, "List").props.isLoading === false, "profiles to load");
  find(view.root, "List.Item", (p) => p.title === "dev");
  const section = find(view.root, "List.Section", (p) => p.title === "Problems in the AWS Config");
  const item = find(section, "List.Item", (p) => String(p.subtitle).includes("byte-order mark"));
  expect(item.props.title).toBe("AWS config");
});
