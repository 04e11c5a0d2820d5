// EC2 (query protocol, XML): DescribeInstances with filters and pagination, signed with portal-issued credentials.
import { randomUUID } from "node:crypto";
import type { EmulatedService, EmulatorContext } from "../context";
import type { EmulatorRequest, EmulatorResponse } from "../http";
import { queryClassifier, queryParams } from "../query";
import { authenticate, type AuthFailure } from "../ssm/auth";
import { describeInstances, Ec2Error } from "./describe-instances";
import { errorXml } from "./xml";

const SERVICE = "ec2";
const VERSION = "2016-11-15";

export function createEc2Service(ctx: EmulatorContext): EmulatedService {
  const classify = queryClassifier(SERVICE, VERSION);

  function handle(req: EmulatorRequest): EmulatorResponse | undefined {
    const p = queryParams(req, VERSION);
    if (!p) return undefined;
    const operation = p.get("Action")!;
    const logged = Object.fromEntries(p.entries());
    const auth = authenticate(ctx, req, SERVICE);
    if (!auth.ok) return { ...authError(operation, auth.failure, auth.message), logged };
    try {
      if (operation !== "DescribeInstances") {
        throw new Ec2Error(400, "InvalidAction", `The action ${operation} is not valid for this web service.`);
      }
      const body = describeInstances(ctx, p, auth.credentials.accountId, auth.region);
      return {
        service: SERVICE,
        operation,
        status: 200,
        headers: { "content-type": "text/xml;charset=UTF-8" },
        body,
        logged,
      };
    } catch (err) {
      if (!(err instanceof Ec2Error)) throw err;
      return { ...xmlError(operation, err.status, err.code, err.message), logged };
    }
  }

  return { name: SERVICE, classify, handle };
}

function xmlError(operation: string, status: number, code: string, message: string): EmulatorResponse {
  return {
    service: SERVICE,
    operation,
    status,
    headers: { "content-type": "text/xml;charset=UTF-8", "x-amzn-errortype": code },
    body: errorXml(code, message, randomUUID()),
  };
}

function authError(operation: string, failure: AuthFailure, detail?: string): EmulatorResponse {
  switch (failure) {
    case "missing":
      return xmlError(operation, 401, "AuthFailure", "AWS was not able to validate the provided access credentials");
    case "unknown-key":
    case "bad-token":
      return xmlError(operation, 401, "AuthFailure", "AWS was not able to validate the provided access credentials");
    case "expired":
      return xmlError(operation, 400, "RequestExpired", "Request has expired.");
    case "signature":
      return xmlError(
        operation,
        403,
        "SignatureDoesNotMatch",
        detail ??
          "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
      );
  }
}
