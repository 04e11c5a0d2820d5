// The STS query protocol's XML: result envelopes and the ErrorResponse shape SDKs map to exceptions by <Code>.
import { randomUUID } from "node:crypto";
import { el } from "../ec2/xml";
import type { EmulatorResponse } from "../http";

const NS = "https://sts.amazonaws.com/doc/2011-06-15/";
export const SERVICE = "sts";

/** An STS error: the SDKs read <Code> from the body (no x-amzn-ErrorType header on the query protocol). */
export class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: "Sender" | "Receiver" = "Sender",
  ) {
    super(message);
  }
}

export function resultXml(operation: string, result: string): EmulatorResponse {
  return {
    service: SERVICE,
    operation,
    status: 200,
    headers: { "content-type": "text/xml", "x-amzn-requestid": randomUUID() },
    body:
      `<${operation}Response xmlns="${NS}"><${operation}Result>${result}</${operation}Result>` +
      `<ResponseMetadata>${el("RequestId", randomUUID())}</ResponseMetadata></${operation}Response>`,
  };
}

export function errorResponse(operation: string, err: StsError): EmulatorResponse {
  const requestId = randomUUID();
  return {
    service: SERVICE,
    operation,
    status: err.status,
    errorType: err.code,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body:
      `<ErrorResponse xmlns="${NS}"><Error>${el("Type", err.type)}${el("Code", err.code)}` +
      `${el("Message", err.message)}</Error>${el("RequestId", requestId)}</ErrorResponse>`,
  };
}
