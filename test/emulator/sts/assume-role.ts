// AssumeRole as STS answers it: parameter validation, the role's trust policy (principals, sts:ExternalId), the
// session-length limits (the role's MaxSessionDuration; one hour when a role session assumes another role, which is
// always the case here since every caller is a role session), and credentials that expire on the emulator clock.
import { randomBytes, randomInt } from "node:crypto";
import type { EmulatorContext } from "../context";
import type { IamRoleDef, IssuedCredentials } from "../directory";
import { el } from "../ec2/xml";
import { assumedRoleArn, callerRoleArn } from "../ssm/identity";
import { StsError } from "./xml";

/** What a test may check about one AssumeRole answer (no secrets). */
export interface AssumeRoleRecord {
  roleArn: string;
  roleSessionName: string;
  durationSeconds: number;
  externalId?: string;
  /** ARN of the session that asked. */
  callerArn: string;
  /** Region in the request's signature (the chain's region). */
  region: string;
  accessKeyId: string;
  /** Epoch ms on the emulator clock. */
  expiration: number;
}

const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
/** "Role chaining limits your AWS CLI or AWS API role session to a maximum of one hour." */
const CHAINED_MAX_SECONDS = 3600;

const upperAlnum = (n: number) =>
  Array.from({ length: n }, () => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[randomInt(32)]).join("");

function validation(message: string): StsError {
  return new StsError(400, "ValidationError", message);
}

function constraint(value: string | null, field: string, rule: string): StsError {
  const shown = value === null ? "null" : `'${value}'`;
  return validation(`1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: ${rule}`);
}

function readParams(p: URLSearchParams) {
  const roleArn = p.get("RoleArn");
  const roleSessionName = p.get("RoleSessionName");
  const durationText = p.get("DurationSeconds");
  const externalId = p.get("ExternalId") ?? undefined;
  if (roleArn === null) throw constraint(null, "roleArn", "Member must not be null");
  if (roleSessionName === null) throw constraint(null, "roleSessionName", "Member must not be null");
  if (roleArn.length < 20) throw constraint(roleArn, "roleArn", "Member must have length greater than or equal to 20");
  if (!SESSION_NAME.test(roleSessionName)) {
    throw constraint(
      roleSessionName,
      "roleSessionName",
      "Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64",
    );
  }
  const durationSeconds = durationText === null ? 3600 : Number(durationText);
  if (!Number.isInteger(durationSeconds)) throw validation(`Invalid value for DurationSeconds: ${durationText}`);
  if (durationSeconds < 900) {
    throw constraint(durationText, "durationSeconds", "Member must have value greater than or equal to 900");
  }
  if (durationSeconds > 43200) {
    throw constraint(durationText, "durationSeconds", "Member must have value less than or equal to 43200");
  }
  if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
    throw constraint(externalId, "externalId", "Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*");
  }
  const m = ROLE_ARN.exec(roleArn);
  if (!m) throw validation("Request ARN is invalid");
  return { roleArn, roleSessionName, durationSeconds, externalId, accountId: m[1], roleName: m[2] };
}

function trusts(role: IamRoleDef, caller: IssuedCredentials): boolean {
  const callerArn = callerRoleArn(caller);
  return role.trustedPrincipals.some((p) => p === caller.accountId || p === callerArn);
}

export function assumeRole(
  ctx: EmulatorContext,
  p: URLSearchParams,
  caller: IssuedCredentials,
  region: string,
): { xml: string; record: AssumeRoleRecord } {
  const req = readParams(p);
  const role = ctx.directory.iamRoles.find((r) => r.arn === req.roleArn);
  // An unknown role, an untrusted caller and a wrong external id all look the same to the caller.
  if (!role || !trusts(role, caller) || (role.externalId !== undefined && role.externalId !== req.externalId)) {
    throw new StsError(
      403,
      "AccessDenied",
      `User: ${assumedRoleArn(caller)} is not authorized to perform: sts:AssumeRole on resource: ${req.roleArn}`,
    );
  }
  if (req.durationSeconds > role.maxSessionDurationSeconds) {
    throw validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
  if (req.durationSeconds > CHAINED_MAX_SECONDS) {
    throw validation(
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
  }
  const expiration = Math.floor(ctx.clock.now() / 1000) * 1000 + req.durationSeconds * 1000;
  const issued: IssuedCredentials = {
    accessKeyId: `ASIA${upperAlnum(16)}`,
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: `FwoGZXIvYXdzE${randomBytes(300).toString("base64")}`,
    expiration,
    accountId: req.accountId,
    roleName: req.roleName,
    roleArn: req.roleArn,
    roleSessionName: req.roleSessionName,
  };
  ctx.directory.credentials.set(issued.accessKeyId, issued);
  const arn = assumedRoleArn(issued);
  const xml =
    `<AssumedRoleUser>${el("Arn", arn)}${el("AssumedRoleId", `AROA${upperAlnum(17)}:${req.roleSessionName}`)}</AssumedRoleUser>` +
    `<Credentials>${el("AccessKeyId", issued.accessKeyId)}${el("SecretAccessKey", issued.secretAccessKey)}` +
    `${el("SessionToken", issued.sessionToken)}${el("Expiration", new Date(expiration).toISOString().replace(/\.\d{3}Z$/, "Z"))}</Credentials>` +
    el("PackedPolicySize", 0);
  return {
    xml,
    record: {
      roleArn: req.roleArn,
      roleSessionName: req.roleSessionName,
      durationSeconds: req.durationSeconds,
      ...(req.externalId !== undefined ? { externalId: req.externalId } : {}),
      callerArn: assumedRoleArn(caller),
      region,
      accessKeyId: issued.accessKeyId,
      expiration,
    },
  };
}

export function getCallerIdentity(caller: IssuedCredentials): string {
  const userId = `AROA${upperAlnum(17)}:${caller.roleSessionName ?? "stormtunnel-user"}`;
  return el("UserId", userId) + el("Account", caller.accountId) + el("Arn", assumedRoleArn(caller));
}
