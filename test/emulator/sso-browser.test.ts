// Headless Chromium clicks through the emulator's consent and device pages, as a user would.
import { launchChromium } from "../support/chromium";
import type { Browser } from "playwright-core";
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from "@aws-sdk/client-sso-oidc";
import { startEmulator, type Emulator } from "./index";
import { authorizeUrl, pkcePair, startCallbackListener, type CallbackListener } from "./oidc/testing";

jest.setTimeout(60_000);

let emu: Emulator;
let oidc: SSOOIDCClient;
let browser: Browser;
let callback: CallbackListener;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  emu = await startEmulator();
  oidc = new SSOOIDCClient({ region: "us-east-1", endpoint: emu.endpoints.ssoOidc, maxAttempts: 1 });
  callback = await startCallbackListener();
});
afterEach(async () => {
  oidc.destroy();
  await callback.close();
  await emu.close();
});

async function registerPkce() {
  return oidc.send(
    new RegisterClientCommand({
      clientName: "botocore-client-browser",
      clientType: "public",
      grantTypes: ["authorization_code", "refresh_token"],
      redirectUris: ["http://127.0.0.1/oauth/callback"],
      issuerUrl: "https://d-0000000000.awsapps.com/start",
      scopes: ["sso:account:access"],
    }),
  );
}

test("Allow on /authorize sends the browser to the loopback listener with code and state", async () => {
  const reg = await registerPkce();
  const { verifier, challenge } = pkcePair();
  const url = authorizeUrl(emu.endpoints.ssoOidc, {
    clientId: reg.clientId!,
    redirectUri: callback.redirectUri,
    challenge,
    state: "b-1",
  });
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.click("#allow");
    const query = await callback.next();
    expect(query.get("state")).toBe("b-1");
    await page.waitForSelector("#done");
    const token = await oidc.send(
      new CreateTokenCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: "authorization_code",
        code: query.get("code")!,
        redirectUri: callback.redirectUri,
        codeVerifier: verifier,
      }),
    );
    expect(token.refreshToken).toBeTruthy();
  } finally {
    await page.close();
  }
});

test("Deny sends error=access_denied; a decision made by a test is followed by the open page", async () => {
  const reg = await registerPkce();
  const { challenge } = pkcePair();
  const page = await browser.newPage();
  try {
    await page.goto(
      authorizeUrl(emu.endpoints.ssoOidc, {
        clientId: reg.clientId!,
        redirectUri: callback.redirectUri,
        challenge,
        state: "d",
      }),
    );
    await page.click("#deny");
    const denied = await callback.next();
    expect(denied.get("error")).toBe("access_denied");
    expect(denied.get("state")).toBe("d");

    await page.goto(
      authorizeUrl(emu.endpoints.ssoOidc, {
        clientId: reg.clientId!,
        redirectUri: callback.redirectUri,
        challenge,
        state: "c",
      }),
    );
    await page.waitForSelector("#allow");
    emu.oidc.approve("c");
    const approved = await callback.next();
    expect(approved.get("state")).toBe("c");
    expect(approved.get("code")).toBeTruthy();
  } finally {
    await page.close();
  }
});

test("device page: enter the user code, Allow, and the next poll gets a token", async () => {
  const reg = await oidc.send(
    new RegisterClientCommand({ clientName: "device", clientType: "public", scopes: ["sso:account:access"] }),
  );
  const dev = await oidc.send(
    new StartDeviceAuthorizationCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      startUrl: "https://d-0000000000.awsapps.com/start",
    }),
  );
  const page = await browser.newPage();
  try {
    await page.goto(dev.verificationUri!);
    await page.fill("#user_code", dev.userCode!.toLowerCase().replace("-", ""));
    await page.click("#next");
    expect(await page.textContent("#user-code")).toBe(dev.userCode);
    await page.click("#allow");
    expect(await page.textContent("h1")).toBe("Request approved");
  } finally {
    await page.close();
  }
  const token = await oidc.send(
    new CreateTokenCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      grantType: "urn:ietf:params:oauth:grant-type:device_code",
      deviceCode: dev.deviceCode,
    }),
  );
  expect(token.accessToken).toBeTruthy();
});
