import { startEmulator, type Emulator } from "../emulator/index";
import { issueCredentials, ssmClient } from "../emulator/support/aws";
import {
  resumeSession,
  SessionApiError,
  startPortForwardingSession,
  startSessionRequest,
  terminateSession,
} from "../../src/lib/ssm/session-api";

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(() => emu.close());

describe("session API wrappers (real @aws-sdk/client-ssm against the emulator)", () => {
  it("builds StartSession requests with string-array parameters and the right document", () => {
    expect(startSessionRequest({ target: "i-1", portNumber: 5432, localPortNumber: 15432 })).toEqual({
      Target: "i-1",
      DocumentName: "AWS-StartPortForwardingSession",
      Parameters: { portNumber: ["5432"], localPortNumber: ["15432"] },
    });
    expect(startSessionRequest({ target: "i-1", portNumber: 3306, host: "db.internal" })).toEqual({
      Target: "i-1",
      DocumentName: "AWS-StartPortForwardingSessionToRemoteHost",
      Parameters: { portNumber: ["3306"], host: ["db.internal"] },
    });
  });

  it("starts, resumes and terminates a session", async () => {
    const client = ssmClient(emu, issueCredentials(emu));
    const s = await startPortForwardingSession(client, {
      target: "i-0123456789abcdef0",
      portNumber: 80,
      host: "db.internal",
    });
    expect(emu.ssm.sessions.get(s.sessionId)!.properties.host).toBe("db.internal");
    const token = await resumeSession(client, s.sessionId);
    expect(token).toBeTruthy();
    expect(token).not.toBe(s.tokenValue);
    await terminateSession(client, s.sessionId);
    expect(await resumeSession(client, s.sessionId)).toBeUndefined(); // ended: no token
    expect(await resumeSession(client, "no-such-session")).toBeUndefined();
    await terminateSession(client, s.sessionId); // idempotent
    client.destroy();
  });

  it("names the missing rights when the role may not start sessions", async () => {
    const client = ssmClient(emu, issueCredentials(emu, { roleName: "ReadOnly" }));
    const err = await startPortForwardingSession(client, {
      target: "i-0123456789abcdef0",
      portNumber: 80,
      roleName: "ReadOnly",
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionApiError);
    const e = err as SessionApiError;
    expect(e.name).toBe("AccessDeniedException");
    expect(e.permanent).toBe(true);
    for (const right of ["ssm:StartSession", "ssm:TerminateSession", "ssm:ResumeSession"])
      expect(e.message).toContain(right);
    expect(e.message).toContain("ReadOnly");
    client.destroy();
  });

  it("explains TargetNotConnected", async () => {
    const client = ssmClient(emu, issueCredentials(emu));
    const err = (await startPortForwardingSession(client, { target: "i-0aaaabbbbccccdddd", portNumber: 80 }).catch(
      (e: unknown) => e,
    )) as SessionApiError;
    expect(err.name).toBe("TargetNotConnected");
    expect(err.message).toMatch(/not connected to Session Manager.*SSM agent/);
    expect(err.permanent).toBe(false);
    client.destroy();
  });

  it("never puts the token or credentials in error messages", async () => {
    const creds = issueCredentials(emu, { roleName: "ReadOnly" });
    const client = ssmClient(emu, creds);
    const err = (await startPortForwardingSession(client, { target: "i-0123456789abcdef0", portNumber: 80 }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(err.message).not.toContain(creds.secretAccessKey);
    expect(err.message).not.toContain(creds.sessionToken);
    client.destroy();
  });
});
