// Role credentials inserted straight into the emulator's directory, and real SDK clients pointed at it.
import { randomBytes } from "node:crypto";
import { EC2Client } from "@aws-sdk/client-ec2";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { Emulator } from "../index";

export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export function issueCredentials(
  emu: Emulator,
  { accountId = "111122223333", roleName = "Developer", ttlMs = 3600_000 } = {},
): TestCredentials {
  const c = {
    accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: randomBytes(64).toString("base64"),
  };
  emu.directory.credentials.set(c.accessKeyId, { ...c, expiration: emu.clock.now() + ttlMs, accountId, roleName });
  return c;
}

export function ssmClient(emu: Emulator, credentials: TestCredentials): SSMClient {
  return new SSMClient({ region: "us-east-1", endpoint: emu.endpoints.ssm, credentials, maxAttempts: 1 });
}

export function ec2Client(emu: Emulator, credentials: TestCredentials): EC2Client {
  return new EC2Client({ region: "us-east-1", endpoint: emu.endpoints.ec2, credentials, maxAttempts: 1 });
}
