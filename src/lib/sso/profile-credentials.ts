// Credentials for a profile a tunnel uses: the SSO root's role credentials (GetRoleCredentials with the token on
// disk), then one sts:AssumeRole per hop of a role chain. Every link is kept until 5 minutes before it expires and
// renewed then; a link whose source changed (a new token, a renewed hop) is assumed again. When STS or SSM reject
// credentials that still look valid here (clock skew, a revoked session), everything is dropped and fetched anew.
import type { RoleHop, SsoProfile } from "../aws";
import type { AwsEndpoints } from "../aws/types";
import { SsoError } from "./errors";
import {
  clearRoleCredentials,
  getRoleCredentials,
  ROLE_CREDENTIALS_MARGIN_MS,
  type RoleCredentials,
} from "./role-credentials";

export interface CredentialChain {
  /** The SSO profile whose token and role start the chain. */
  root: Pick<SsoProfile, "name" | "accountId" | "roleName" | "ssoRegion" | "tokenCacheKey">;
  /** AssumeRole calls from the root outwards; empty for an SSO profile itself. */
  hops: RoleHop[];
}

export interface ProfileCredentialDeps {
  /** The access token on disk now (throws when there is none). */
  accessToken: () => Promise<string>;
  endpoints?: AwsEndpoints;
  now?: () => number;
}

interface Link {
  /** accessKeyId of the credentials this link was assumed with. */
  source: string;
  creds: RoleCredentials;
}

export class ProfileCredentials {
  private links: (Link | undefined)[] = [];
  private pending?: Promise<RoleCredentials>;
  private readonly now: () => number;

  constructor(
    private readonly chain: CredentialChain,
    private readonly deps: ProfileCredentialDeps,
  ) {
    this.now = deps.now ?? Date.now;
  }

  /** The chain's final credentials; concurrent callers share one resolution. */
  get(signal?: AbortSignal): Promise<RoleCredentials> {
    this.pending ??= this.resolve(signal).finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Forget every link (AWS refused them): the next get() fetches the whole chain again. */
  invalidate(): void {
    this.links = [];
    clearRoleCredentials(this.chain.root.tokenCacheKey);
  }

  private async resolve(signal?: AbortSignal): Promise<RoleCredentials> {
    try {
      return await this.walk(signal);
    } catch (err) {
      if (!(err instanceof SsoError) || !err.code || !(await this.isRejectedSource(err.code))) throw err;
      // STS refused credentials we thought valid: one fresh start, then whatever happens is the answer.
      this.invalidate();
      return this.walk(signal);
    }
  }

  private async walk(signal?: AbortSignal): Promise<RoleCredentials> {
    const token = await this.deps.accessToken();
    const { endpoints } = this.deps;
    let creds = await getRoleCredentials(this.chain.root, token, { endpoints, now: this.now, signal });
    for (const [i, hop] of this.chain.hops.entries()) {
      const link = this.links[i];
      if (link && link.source === creds.accessKeyId && this.fresh(link.creds)) {
        creds = link.creds;
        continue;
      }
      // Loaded on the first hop: workers of plain SSO profiles never load the STS client.
      const { assumeRole } = await import("./assume-role");
      const source = creds.accessKeyId;
      creds = await assumeRole(hop, creds, { endpoints, now: this.now, signal });
      this.links[i] = { source, creds };
    }
    return creds;
  }

  private fresh(c: RoleCredentials): boolean {
    return c.expiration.getTime() - this.now() > ROLE_CREDENTIALS_MARGIN_MS;
  }

  private async isRejectedSource(code: string): Promise<boolean> {
    if (this.chain.hops.length === 0) return false;
    const { REJECTED_SOURCE_CODES } = await import("./assume-role");
    return REJECTED_SOURCE_CODES.has(code);
  }
}
