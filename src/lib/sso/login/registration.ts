// The client registration a login uses: the AWS CLI's cached one when its rules allow, checked with Identity Center
// before a browser is sent to it; a revoked or unknown one (InvalidClientException) is dropped and replaced once.
import type { SsoSessionGroup } from "../../aws";
import type { AwsEndpoints } from "../../aws/types";
import { userHome, type Env } from "../../home";
import { clientAccepted, oidcEndpoint, registerClient } from "../oidc";
import {
  forgetRegistration,
  isReusableFor,
  readRegistration,
  registrationFileFor,
  writeRegistration,
  type LoginFlow,
  type StoredRegistration,
} from "../registration-cache";
import { loginCallFailed, registrationRejected } from "./errors";

export interface RegistrationOptions {
  env: Env;
  method: LoginFlow;
  endpoints?: AwsEndpoints;
  signal: AbortSignal;
  now: () => number;
}

export interface ChosenRegistration {
  registration: StoredRegistration;
  /** Taken from the cache file (it may be stale in ways only Identity Center can tell). */
  fromCache: boolean;
  file: string;
}

/** Reuses the CLI-format registration when its rules allow and Identity Center still knows it; else registers. */
export async function chooseRegistration(
  group: SsoSessionGroup,
  opts: RegistrationOptions,
): Promise<ChosenRegistration> {
  // The config model computes it from the same home; recomputed when a caller built the group by hand.
  const file = group.registrationCacheFile || registrationFileFor(userHome(opts.env), group);
  const cached = await readRegistration(file);
  if (cached && isReusableFor(cached, opts.method, opts.now())) {
    // A revoked PKCE client would only show an error page in the browser and leave the login waiting: ask first.
    const accepted = opts.method !== "pkce" || (await clientAccepted(group, cached, opts));
    if (accepted) return { registration: cached, fromCache: true, file };
    await forgetRegistration(file, cached.clientId);
  }
  return { registration: await register(group, opts, file), fromCache: false, file };
}

/** The cached registration was refused (InvalidClientException): drop it and register once more. */
export async function replaceRegistration(
  group: SsoSessionGroup,
  opts: RegistrationOptions,
  stale: ChosenRegistration,
): Promise<ChosenRegistration> {
  await forgetRegistration(stale.file, stale.registration.clientId);
  return { registration: await register(group, opts, stale.file), fromCache: false, file: stale.file };
}

/** Identity Center refused the client itself: revoked, expired early, or unknown to this instance. */
export function isInvalidClient(err: unknown): boolean {
  const e = err as { name?: string; code?: string } | undefined;
  return e?.name === "InvalidClientException" || e?.code === "InvalidClientException";
}

async function register(group: SsoSessionGroup, opts: RegistrationOptions, file: string): Promise<StoredRegistration> {
  let reg: StoredRegistration;
  try {
    reg = await registerClient(group, opts.method, opts);
  } catch (err) {
    const e = loginCallFailed(group, err, await oidcEndpoint(group.ssoRegion, opts.endpoints));
    throw e.kind === "config" || e.kind === "permission" ? registrationRejected(group, e) : e;
  }
  await writeRegistration(file, reg);
  return reg;
}
