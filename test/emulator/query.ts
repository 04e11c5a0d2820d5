// The AWS query protocol's request side (EC2, STS): Action and Version in the form body (or the query string).
import type { Classifier, EmulatorRequest } from "./http";

/** The request's parameters when it is a query-protocol call of this API version. */
export function queryParams(req: EmulatorRequest, version: string): URLSearchParams | undefined {
  const form = req.method === "POST" ? new URLSearchParams(req.body.toString("utf8")) : req.query;
  return form.get("Version") === version && form.get("Action") ? form : undefined;
}

export function queryClassifier(service: string, version: string): Classifier {
  return (req) => {
    const p = queryParams(req, version);
    return p ? { service, operation: p.get("Action")! } : undefined;
  };
}
