// One loopback listener per AWS host, and what each host answers to a request that is not one of its operations.
// AWS serves every service from its own host, so a client that sends a call to the wrong endpoint fails there;
// the emulator must not answer it just because it knows the operation.
import { randomUUID } from "node:crypto";
import type { EmulatorRequest, EmulatorResponse } from "./http";
import { errorXml } from "./ec2/xml";
import { errorResponse, StsError } from "./sts/xml";

/**
 * The listeners, in port order (`--port N` puts the first on N, the next on N+1, …).
 * `device` is the device verification page (device.sso.<region>.amazonaws.com); `ssmmessages` the data channel
 * (the StreamUrl host); the others are the SDK services of the same name.
 */
export const ENDPOINT_NAMES = ["ssoOidc", "device", "sso", "ssm", "ec2", "ssmmessages", "sts"] as const;
export type EndpointName = (typeof ENDPOINT_NAMES)[number];
export type Endpoints = Record<EndpointName, string>;

/** AWS_ENDPOINT_URL_<SERVICE> of the endpoints SDKs resolve; the device page and StreamUrl are handed out by AWS. */
export const ENDPOINT_ENV: Partial<Record<EndpointName, string>> = {
  ssoOidc: "SSO_OIDC",
  sso: "SSO",
  ssm: "SSM",
  ec2: "EC2",
  sts: "STS",
};

/** The answer of a listener to a request none of its operations matches. */
export type UnknownOperation = (service: string, req: EmulatorRequest) => EmulatorResponse;

const OPERATION = "UnknownOperation";

/**
 * AWS's Coral front ends (SSO OIDC, the portal, ssmmessages, and JSON-RPC services for a request without an
 * X-Amz-Target): 404 with the body `<UnknownOperationException/>`, no error-type header, no content type.
 */
export const notFound: UnknownOperation = (service) => ({
  service,
  operation: OPERATION,
  status: 404,
  headers: { "x-amzn-requestid": randomUUID() },
  body: "<UnknownOperationException/>\n",
});

/** AWS JSON 1.1 (SSM): an X-Amz-Target the service does not have is a 400 with the Coral type; no target is a 404. */
export const jsonRpcUnknownOperation: UnknownOperation = (service, req) => {
  if (req.method !== "POST" || typeof req.headers["x-amz-target"] !== "string") return notFound(service, req);
  return {
    service,
    operation: OPERATION,
    status: 400,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID() },
    body: JSON.stringify({ __type: "com.amazon.coral.service#UnknownOperationException" }),
  };
};

/** Query protocol parameters: the form body of a POST, else the query string. */
export function queryParams(req: EmulatorRequest): URLSearchParams {
  const form = req.headers["content-type"]?.startsWith("application/x-www-form-urlencoded");
  return req.method === "POST" && form ? new URLSearchParams(req.body.toString("utf8")) : req.query;
}

/** EC2's query API: an action it does not have is InvalidAction, none at all MissingAction (both 400, EC2's XML). */
export const ec2UnknownAction: UnknownOperation = (service, req) => {
  const action = queryParams(req).get("Action");
  const [code, message] = action
    ? ["InvalidAction", `The action ${action} is not valid for this web service.`]
    : ["MissingAction", "The request is missing an action or a required parameter."];
  return {
    service,
    operation: OPERATION,
    status: 400,
    headers: { "content-type": "text/xml;charset=UTF-8", "x-amzn-errortype": code },
    body: errorXml(code, message, randomUUID()),
  };
};

/** STS (query): `<ErrorResponse>` InvalidAction "Could not find operation X for version V", or MissingAction. */
export const stsUnknownAction: UnknownOperation = (service, req) => {
  const params = queryParams(req);
  const action = params.get("Action");
  const err = action
    ? new StsError(400, "InvalidAction", `Could not find operation ${action} for version ${params.get("Version")}`)
    : new StsError(400, "MissingAction", "The request is missing an action or a required parameter.");
  return { ...errorResponse(OPERATION, err), service };
};

/** A rejected WebSocket upgrade: the same answer, written on the raw socket. */
export function rawHttpResponse(res: EmulatorResponse): string {
  const body = Buffer.from(res.body ?? "");
  const headers = { ...res.headers, "content-length": String(body.length), connection: "close" };
  const head = [`HTTP/1.1 ${res.status} ${res.status === 404 ? "Not Found" : "Bad Request"}`];
  for (const [k, v] of Object.entries(headers)) head.push(`${k}: ${v}`);
  return `${head.join("\r\n")}\r\n\r\n${body.toString("utf8")}`;
}
