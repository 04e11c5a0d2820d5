// DescribeInstances over directory.instances: InstanceId.N, Filter.N.Name/Value.M, MaxResults/NextToken.
import { createHash, randomUUID } from "node:crypto";
import type { EmulatorContext } from "../context";
import { inRegion, type InstanceDef } from "../directory";
import { el } from "./xml";

export class Ec2Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const STATE_CODES: Record<InstanceDef["state"], number> = {
  pending: 0,
  running: 16,
  stopping: 64,
  stopped: 80,
  terminated: 48,
};

interface Filter {
  name: string;
  values: string[];
}

/** `Prefix.1`, `Prefix.2`, … in index order. */
function list(p: URLSearchParams, prefix: string): string[] {
  const out: [number, string][] = [];
  const re = new RegExp(`^${prefix.replace(/\./g, "\\.")}\\.(\\d+)$`);
  for (const [k, v] of p.entries()) {
    const m = re.exec(k);
    if (m) out.push([Number(m[1]), v]);
  }
  return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

function filters(p: URLSearchParams): Filter[] {
  const out: Filter[] = [];
  for (const [k, name] of p.entries()) {
    const m = /^Filter\.(\d+)\.Name$/.exec(k);
    if (m) out.push({ name, values: list(p, `Filter.${m[1]}.Value`) });
  }
  return out;
}

/** EC2 filter values accept * and ? wildcards. */
function glob(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`).test(value);
}

function tagsOf(i: InstanceDef): Record<string, string> {
  return { ...(i.name !== undefined ? { Name: i.name } : {}), ...i.tags };
}

function matches(i: InstanceDef, f: Filter): boolean {
  const tags = tagsOf(i);
  const any = (value: string | undefined) => f.values.some((v) => glob(v, value));
  if (f.name.startsWith("tag:")) return any(tags[f.name.slice(4)]);
  switch (f.name) {
    case "instance-id":
      return any(i.instanceId);
    case "instance-state-name":
      return any(i.state);
    case "instance-state-code":
      return any(String(STATE_CODES[i.state]));
    case "tag-key":
      return Object.keys(tags).some(any);
    case "tag-value":
      return Object.values(tags).some(any);
    case "private-ip-address":
      return any(i.privateIp);
    case "platform":
      return any(i.platform);
    default:
      throw new Ec2Error(400, "InvalidParameterValue", `The filter '${f.name}' is invalid`);
  }
}

export function describeInstances(ctx: EmulatorContext, p: URLSearchParams, accountId: string, region: string): string {
  const ids = list(p, "InstanceId");
  const fs = filters(p);
  const maxResults = p.get("MaxResults");
  if (maxResults !== null && ids.length) {
    throw new Ec2Error(
      400,
      "InvalidParameterCombination",
      "The parameter instancesSet cannot be used with the parameter maxResults",
    );
  }
  const max = maxResults === null ? Infinity : Number(maxResults);
  if (maxResults !== null && (!Number.isInteger(max) || max < 5 || max > 1000)) {
    throw new Ec2Error(
      400,
      "InvalidParameterValue",
      `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
    );
  }
  for (const id of ids) {
    if (!/^i-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id))
      throw new Ec2Error(400, "InvalidInstanceID.Malformed", `Invalid id: "${id}"`);
  }
  const regional = ctx.directory.instances.filter((i) => inRegion(i, region));
  const missing = ids.filter((id) => !regional.some((i) => i.instanceId === id));
  if (missing.length === 1) {
    throw new Ec2Error(400, "InvalidInstanceID.NotFound", `The instance ID '${missing[0]}' does not exist`);
  }
  if (missing.length > 1) {
    throw new Ec2Error(400, "InvalidInstanceID.NotFound", `The instance IDs '${missing.join(", ")}' do not exist`);
  }
  const all = regional.filter((i) => (!ids.length || ids.includes(i.instanceId)) && fs.every((f) => matches(i, f)));
  const start = decodeToken(p.get("NextToken"));
  const page = all.slice(start, start + max);
  const next = start + max < all.length ? encodeToken(start + max) : undefined;

  const reservations = page.map((i) => reservationXml(i, accountId, region)).join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
    `${el("requestId", randomUUID())}<reservationSet>${reservations}</reservationSet>${el("nextToken", next)}` +
    `</DescribeInstancesResponse>`
  );
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString("base64");
}

function decodeToken(token: string | null): number {
  if (!token) return 0;
  try {
    const v = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { offset?: unknown };
    if (typeof v.offset === "number" && v.offset >= 0) return v.offset;
  } catch {
    // fall through
  }
  throw new Ec2Error(400, "InvalidParameterValue", "The specified NextToken is not valid");
}

/** One reservation per instance, with the fields SDK users read: id, state, private IP, tags. */
function reservationXml(i: InstanceDef, accountId: string, region: string): string {
  const hash = createHash("sha256").update(i.instanceId).digest("hex");
  const tags = Object.entries(tagsOf(i))
    .map(([k, v]) => `<item>${el("key", k)}${el("value", v)}</item>`)
    .join("");
  return (
    `<item>${el("reservationId", `r-${hash.slice(0, 17)}`)}${el("ownerId", accountId)}<groupSet/>` +
    `<instancesSet><item>` +
    el("instanceId", i.instanceId) +
    el("imageId", `ami-${hash.slice(17, 34)}`) +
    `<instanceState>${el("code", STATE_CODES[i.state])}${el("name", i.state)}</instanceState>` +
    el("privateDnsName", `ip-${i.privateIp.replace(/\./g, "-")}.${region}.compute.internal`) +
    `<dnsName/>` +
    el("instanceType", "t3.micro") +
    el("launchTime", "2024-01-15T09:30:00.000Z") +
    `<placement>${el("availabilityZone", `${region}a`)}${el("tenancy", "default")}</placement>` +
    `<monitoring>${el("state", "disabled")}</monitoring>` +
    el("subnetId", `subnet-${hash.slice(34, 51)}`) +
    el("vpcId", `vpc-${hash.slice(51, 64)}`) +
    el("privateIpAddress", i.privateIp) +
    el("architecture", "x86_64") +
    el("rootDeviceType", "ebs") +
    el("platformDetails", i.platform === "windows" ? "Windows" : "Linux/UNIX") +
    (i.platform === "windows" ? el("platform", "windows") : "") +
    (tags ? `<tagSet>${tags}</tagSet>` : "") +
    `</item></instancesSet></item>`
  );
}
