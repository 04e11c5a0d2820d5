// next_token / max_result paging as the portal does it; tokens are opaque to clients.
import { PortalError } from "./errors";

const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;

export function page<T>(items: T[], query: URLSearchParams): { items: T[]; nextToken?: string } {
  const rawMax = query.get("max_result");
  const max = rawMax === null ? DEFAULT_PAGE : Number(rawMax);
  if (!Number.isInteger(max) || max < 1 || max > MAX_PAGE) {
    throw new PortalError("InvalidRequestException", "max_result must be between 1 and 100");
  }
  let start = 0;
  const token = query.get("next_token");
  if (token !== null) {
    const decoded = /^o(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
    if (!decoded || Number(decoded[1]) > items.length) {
      throw new PortalError("InvalidRequestException", "Invalid next token");
    }
    start = Number(decoded[1]);
  }
  const end = start + max;
  return {
    items: items.slice(start, end),
    nextToken: end < items.length ? Buffer.from(`o${end}`).toString("base64url") : undefined,
  };
}
