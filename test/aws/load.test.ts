// Finding and reading the file: override > AWS_CONFIG_FILE > ~/.aws/config, ~ expansion, never a throw.
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configFilePath, defaultProfileName, loadAwsConfig, profileNotFound, tokenCacheFile } from "../../src/lib/aws";
import { fixture, tempHome } from "./helpers";

let home: string;
let cleanup: () => void;
beforeEach(() => ({ home, cleanup } = tempHome()));
afterEach(() => cleanup());

describe("configFilePath", () => {
  test("defaults to ~/.aws/config in the injected home", () => {
    expect(configFilePath({ env: { HOME: "/h" } })).toBe("/h/.aws/config");
  });

  test("AWS_CONFIG_FILE beats the default and has ~ expanded", () => {
    expect(configFilePath({ env: { HOME: "/h", AWS_CONFIG_FILE: "/etc/aws.cfg" } })).toBe("/etc/aws.cfg");
    expect(configFilePath({ env: { HOME: "/h", AWS_CONFIG_FILE: "~/cfg/aws" } })).toBe("/h/cfg/aws");
  });

  test("$VAR and ${VAR} expand from the injected env, unknown ones stay", () => {
    const env = { HOME: "/h", CFG: "/srv/cfg", AWS_CONFIG_FILE: "${CFG}/aws/$NOPE" };
    expect(configFilePath({ env })).toBe("/srv/cfg/aws/$NOPE");
    expect(configFilePath({ env, override: "$HOME/x" })).toBe("/h/x");
  });

  test("the preference override beats AWS_CONFIG_FILE; a blank override is ignored", () => {
    const env = { HOME: "/h", AWS_CONFIG_FILE: "/etc/aws.cfg" };
    expect(configFilePath({ env, override: "~/other" })).toBe("/h/other");
    expect(configFilePath({ env, override: "  " })).toBe("/etc/aws.cfg");
  });
});

describe("loadAwsConfig", () => {
  test("reads ~/.aws/config of the injected home and puts cache files there", async () => {
    mkdirSync(join(home, ".aws"));
    copyFileSync(fixture("both-styles.ini"), join(home, ".aws", "config"));
    const config = await loadAwsConfig({ env: { HOME: home } });
    expect(config).toMatchObject({ path: join(home, ".aws", "config"), exists: true });
    expect(config.groups.find((g) => g.sessionName === "corp")?.tokenCacheFile).toBe(tokenCacheFile(home, "corp"));
    expect(config.profiles.length).toBeGreaterThan(10);
  });

  test("AWS_CONFIG_FILE and the override pick other files", async () => {
    copyFileSync(fixture("odd-syntax.ini"), join(home, "a.ini"));
    copyFileSync(fixture("errors.ini"), join(home, "b.ini"));
    const env = { HOME: home, AWS_CONFIG_FILE: join(home, "a.ini") };
    expect((await loadAwsConfig({ env })).profiles.map((p) => p.name)).toContain("quoted name");
    expect((await loadAwsConfig({ env, override: "~/b.ini" })).profiles.map((p) => p.name)).toContain("cycle-a");
  });

  test("a missing file is an empty model with a clear problem", async () => {
    const config = await loadAwsConfig({ env: { HOME: home } });
    expect(config).toMatchObject({ exists: false, profiles: [], groups: [], ssoSessions: [] });
    expect(config.problems).toEqual([
      expect.objectContaining({
        severity: "error",
        message: `No AWS config file at ${join(home, ".aws", "config")}.`,
        fix: expect.stringContaining("aws configure sso"),
      }),
    ]);
  });

  test("an unreadable path is an empty model with a problem, not a throw", async () => {
    mkdirSync(join(home, "dir.ini"));
    const config = await loadAwsConfig({ env: { HOME: home }, override: join(home, "dir.ini") });
    expect(config).toMatchObject({ exists: true, profiles: [] });
    expect(config.problems[0]).toMatchObject({ severity: "error", message: expect.stringContaining("EISDIR") });
  });

  test("bytes that are not UTF-8 are an error, and the rest still loads", async () => {
    const path = join(home, "latin1.ini");
    writeFileSync(
      path,
      Buffer.concat([Buffer.from("# caf"), Buffer.from([0xe9]), Buffer.from("\n[profile a]\nregion = x\n")]),
    );
    const config = await loadAwsConfig({ env: { HOME: home }, override: path });
    expect(config.problems[0]).toMatchObject({
      severity: "error",
      message: expect.stringContaining("not valid UTF-8"),
    });
    expect(config.profiles.map((p) => p.name)).toEqual(["a"]);
  });

  test("a file without read permission is reported (root reads anyway, so then it simply loads)", async () => {
    const path = join(home, "locked.ini");
    copyFileSync(fixture("both-styles.ini"), path);
    chmodSync(path, 0o000);
    const config = await loadAwsConfig({ env: { HOME: home }, override: path });
    const isRoot = process.getuid?.() === 0;
    expect(config.problems.some((p) => p.message.includes("EACCES"))).toBe(!isRoot);
    expect(config.profiles.length > 0).toBe(isRoot);
  });
});

describe("profile selection", () => {
  test("AWS_PROFILE, then AWS_DEFAULT_PROFILE, then default", () => {
    expect(defaultProfileName({ AWS_PROFILE: "a", AWS_DEFAULT_PROFILE: "b" })).toBe("a");
    expect(defaultProfileName({ AWS_DEFAULT_PROFILE: "b" })).toBe("b");
    expect(defaultProfileName({})).toBe("default");
  });

  test("an unknown profile is reported in the CLI's words", async () => {
    const config = await loadAwsConfig({ env: { HOME: home } });
    expect(profileNotFound(config, "ghost").message).toBe("The config profile (ghost) could not be found");
  });
});
