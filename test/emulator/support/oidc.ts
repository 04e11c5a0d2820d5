// Setup the SSO OIDC test files share: per test, a fresh emulator and the real AWS SDK v3 OIDC client pointed at it
// (nothing but an endpoint override), plus the calls the device-code and refresh flows make.
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
  type RegisterClientCommandOutput,
} from "@aws-sdk/client-sso-oidc";
import { startEmulator, type Emulator } from "../index";

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
export const START_URL = "https://d-0000000000.awsapps.com/start";

/** The current test's emulator and client; replaced in beforeEach. */
export interface OidcHarness {
  emu: Emulator;
  oidc: SSOOIDCClient;
}

/** Registers beforeEach/afterEach; the returned calls use the current test's client. */
export function useOidcHarness() {
  const h = {} as OidcHarness;

  beforeEach(async () => {
    h.emu = await startEmulator();
    h.oidc = new SSOOIDCClient({ region: "us-east-1", endpoint: h.emu.endpoints.ssoOidc, maxAttempts: 1 });
  });
  afterEach(async () => {
    h.oidc.destroy();
    await h.emu.close();
  });

  const register = (scopes?: string[]) =>
    h.oidc.send(new RegisterClientCommand({ clientName: "botocore-client-test", clientType: "public", scopes }));

  async function startDevice(reg: RegisterClientCommandOutput) {
    return h.oidc.send(
      new StartDeviceAuthorizationCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        startUrl: START_URL,
      }),
    );
  }

  const pollDevice = (reg: RegisterClientCommandOutput, deviceCode?: string) =>
    h.oidc.send(
      new CreateTokenCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: DEVICE_GRANT,
        deviceCode,
      }),
    );

  const refresh = (reg: RegisterClientCommandOutput, refreshToken?: string) =>
    h.oidc.send(
      new CreateTokenCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: "refresh_token",
        refreshToken,
      }),
    );

  async function deviceLogin(scopes: string[] | null = ["sso:account:access"]) {
    const reg = await register(scopes ?? undefined);
    const dev = await startDevice(reg);
    h.emu.oidc.approve(dev.userCode!);
    return { reg, token: await pollDevice(reg, dev.deviceCode) };
  }

  return { h, register, startDevice, pollDevice, refresh, deviceLogin };
}
