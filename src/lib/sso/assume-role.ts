// One hop of a role chain: sts:AssumeRole with the previous link's credentials, as the profile configures it
// (role_session_name, duration_seconds, external_id, region). Imported lazily (it brings the STS SDK client) and the
// client is destroyed after each call, so only workers of role-chained profiles ever hold it, and only briefly.
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { stsClient } from "../aws/sts-client";
import type { AwsEndpoints, RoleHop } from "../aws/types";
import { classifySsoError, SsoError } from "./errors";
import type { RoleCredentials } from "./role-credentials";

export interface AssumeRoleDeps {
  endpoints?: AwsEndpoints;
  now?: () => number;
  signal?: AbortSignal;
}

/** STS answers these when the credentials that sign the call are stale: the caller renews them and tries again. */
export const REJECTED_SOURCE_CODES = new Set(["ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId"]);

export async function assumeRole(
  hop: RoleHop,
  source: RoleCredentials,
  deps: AssumeRoleDeps = {},
): Promise<RoleCredentials> {
  const now = deps.now ?? Date.now;
  const client = stsClient(hop.region, source, deps.endpoints);
  try {
    const out = await client.send(
      new AssumeRoleCommand({
        RoleArn: hop.roleArn,
        // The SDKs default to a timestamped name (botocore-session-…, aws-sdk-js-…); CloudTrail shows ours.
        RoleSessionName: hop.roleSessionName ?? `stormtunnel-${Math.floor(now() / 1000)}`,
        DurationSeconds: hop.durationSeconds,
        ExternalId: hop.externalId,
      }),
      { abortSignal: deps.signal },
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new SsoError("transient", `STS returned incomplete credentials for ${hop.roleArn}.`, {
        code: "Incomplete",
      });
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  } catch (err) {
    throw explain(hop, err);
  } finally {
    client.destroy();
  }
}

function explain(hop: RoleHop, err: unknown): SsoError {
  if (err instanceof SsoError) return err;
  const name = (err as { name?: string })?.name ?? "";
  const aws = awsMessage(err);
  const where = `profile ${hop.profile}`;
  if (name === "AccessDenied") {
    return new SsoError(
      "permission",
      `STS refused to let ${where} assume ${hop.roleArn}${aws ? `: ${aws}` : ""}. The role's trust policy must trust ` +
        `the role of the profile it is assumed from${hop.externalId ? ", with this external_id" : ""}; ask the role's owner.`,
      { code: name, cause: err },
    );
  }
  if (name === "ValidationError" || name === "MalformedPolicyDocument") {
    const hint = /DurationSeconds/.test(aws)
      ? ` Set duration_seconds between 900 and 3600 in [profile ${hop.profile}].`
      : "";
    return new SsoError("config", `STS refused the AssumeRole of ${where} (${hop.roleArn}): ${aws}.${hint}`, {
      code: name,
      cause: err,
    });
  }
  if (name === "RegionDisabledException") {
    return new SsoError(
      "config",
      `STS is not activated in ${hop.region} for the account of ${hop.roleArn}. Set region in [profile ${hop.profile}] ` +
        "to a region where it is, or ask an administrator to activate it.",
      { code: name, cause: err },
    );
  }
  if (REJECTED_SOURCE_CODES.has(name)) {
    return new SsoError("transient", `STS did not accept the credentials ${where} assumes its role with (${name}).`, {
      code: name,
      cause: err,
    });
  }
  const e = classifySsoError(err);
  if (e.kind === "cancelled") return e;
  if (e.kind === "transient") {
    return new SsoError(
      "transient",
      `STS in ${hop.region} did not answer the AssumeRole of ${where} (${e.code}). Retrying.`,
      {
        code: e.code,
        cause: err,
      },
    );
  }
  const kind = e.kind === "permission" ? "permission" : "config";
  return new SsoError(kind, `STS refused the AssumeRole of ${where} (${hop.roleArn}, ${name || e.code}): ${aws}`, {
    code: name || e.code,
    cause: err,
  });
}

function awsMessage(err: unknown): string {
  const m = (err as { message?: unknown })?.message;
  return typeof m === "string" ? m.replace(/\s+/g, " ").trim().slice(0, 400) : "";
}
