// SSO portal emulator (REST-JSON, bearer token in x-amz-sso_bearer_token): role credentials, account and role
// listing, logout. Tokens are those the OIDC emulator issued (shared SsoState).
import { randomBytes, randomInt } from "node:crypto";
import type { EmulatedService, EmulatorContext } from "../context";
import { json, type EmulatorRequest, type EmulatorResponse } from "../http";
import { ACCOUNT_ACCESS_SCOPE, ssoState, type AccessTokenRecord } from "../oidc/state";
import { PortalError, SESSION_INVALID, portalErrorResponse } from "./errors";
import { page } from "./paging";

const SERVICE = "sso";
const BEARER = "x-amz-sso_bearer_token";
/** Role sessions from the portal last one hour. */
const ROLE_CREDENTIALS_TTL_MS = 3600 * 1000;

function classify(req: EmulatorRequest): { service: string; operation: string } | undefined {
  const op = (operation: string) => ({ service: SERVICE, operation });
  if (req.method === "GET" && req.path === "/federation/credentials") return op("GetRoleCredentials");
  if (req.method === "GET" && req.path === "/assignment/accounts") return op("ListAccounts");
  if (req.method === "GET" && req.path === "/assignment/roles") return op("ListAccountRoles");
  if (req.method === "POST" && req.path === "/logout") return op("Logout");
  return undefined;
}

function required(query: URLSearchParams, name: string): string {
  const v = query.get(name);
  if (!v) throw new PortalError("InvalidRequestException", `Missing required parameter: ${name}`);
  return v;
}

const upperAlnum = (n: number) =>
  Array.from({ length: n }, () => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[randomInt(32)]).join("");

export function createPortalService(ctx: EmulatorContext): EmulatedService {
  const state = ssoState(ctx);

  /** Tokens from clients registered only for other scopes (IDE toolkits' codewhisperer:*) are refused too. */
  function authenticate(req: EmulatorRequest): { token: string; record: AccessTokenRecord } {
    const token = req.headers[BEARER];
    const record = typeof token === "string" ? state.accessTokenValid(token) : undefined;
    if (!record || (record.scopes.length > 0 && !record.scopes.includes(ACCOUNT_ACCESS_SCOPE))) {
      throw new PortalError("UnauthorizedException", SESSION_INVALID);
    }
    return { token: token as string, record };
  }

  function account(accountId: string) {
    return ctx.directory.accounts.find((a) => a.accountId === accountId);
  }

  function getRoleCredentials(req: EmulatorRequest) {
    authenticate(req);
    const roleName = required(req.query, "role_name");
    const accountId = required(req.query, "account_id");
    const role = account(accountId)?.roles.find((r) => r.roleName === roleName);
    if (!role) throw new PortalError("ForbiddenException", "No access");
    const creds = {
      accessKeyId: `ASIA${upperAlnum(16)}`,
      secretAccessKey: randomBytes(30).toString("base64"),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(300).toString("base64")}`,
      expiration: ctx.clock.now() + ROLE_CREDENTIALS_TTL_MS,
    };
    ctx.directory.credentials.set(creds.accessKeyId, { ...creds, accountId, roleName });
    return { roleCredentials: creds };
  }

  function listAccounts(req: EmulatorRequest) {
    authenticate(req);
    const { items, nextToken } = page(ctx.directory.accounts, req.query);
    return {
      accountList: items.map((a) => ({
        accountId: a.accountId,
        accountName: a.accountName,
        emailAddress: a.emailAddress,
      })),
      nextToken,
    };
  }

  function listAccountRoles(req: EmulatorRequest) {
    authenticate(req);
    const accountId = required(req.query, "account_id");
    const acct = account(accountId);
    if (!acct) throw new PortalError("ResourceNotFoundException", "The specified account could not be found");
    const { items, nextToken } = page(acct.roles, req.query);
    return { roleList: items.map((r) => ({ roleName: r.roleName, accountId })), nextToken };
  }

  /** Ends the sign-in behind the token: its access and refresh tokens stop working. */
  function logout(req: EmulatorRequest) {
    const { record } = authenticate(req);
    state.revokeLogin(record.loginId, "logged out");
    return undefined;
  }

  const operations: Record<string, (req: EmulatorRequest) => unknown> = {
    GetRoleCredentials: getRoleCredentials,
    ListAccounts: listAccounts,
    ListAccountRoles: listAccountRoles,
    Logout: logout,
  };

  function handle(req: EmulatorRequest): EmulatorResponse | undefined {
    const id = classify(req);
    if (!id) return undefined;
    const logged = { ...Object.fromEntries(req.query), [BEARER]: req.headers[BEARER] };
    try {
      const payload = operations[id.operation](req);
      return { ...json(SERVICE, id.operation, 200, payload), logged };
    } catch (err) {
      if (!(err instanceof PortalError)) throw err;
      return { ...portalErrorResponse(id.operation, err), logged };
    }
  }

  return { name: SERVICE, handle, classify };
}
