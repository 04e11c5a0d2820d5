// DescribeInstanceInformation: the managed instances of the directory, Online or ConnectionLost.
import type { EmulatorContext } from "../context";
import { inRegion, type InstanceDef } from "../directory";

interface Filter {
  key: string;
  values: string[];
}

/** Both filter styles AWS accepts: Filters [{Key, Values}] and InstanceInformationFilterList [{key, valueSet}]. */
function filtersOf(body: Record<string, unknown>): Filter[] {
  const out: Filter[] = [];
  for (const f of (body.Filters as { Key?: string; Values?: string[] }[] | undefined) ?? []) {
    if (f.Key) out.push({ key: f.Key, values: f.Values ?? [] });
  }
  for (const f of (body.InstanceInformationFilterList as { key?: string; valueSet?: string[] }[] | undefined) ?? []) {
    if (f.key) out.push({ key: f.key, values: f.valueSet ?? [] });
  }
  return out;
}

/** Online while the agent answers on a running instance; a managed node that went quiet reads ConnectionLost. */
function pingStatus(i: InstanceDef): "Online" | "ConnectionLost" {
  return i.online && i.state === "running" ? "Online" : "ConnectionLost";
}

function matches(i: InstanceDef, f: Filter): boolean {
  const tags: Record<string, string> = { ...(i.name ? { Name: i.name } : {}), ...i.tags };
  switch (f.key) {
    case "InstanceIds":
      return f.values.includes(i.instanceId);
    case "PingStatus":
      return f.values.includes(pingStatus(i));
    case "ResourceType":
      return f.values.includes("EC2Instance");
    case "PlatformTypes":
      return f.values.includes(i.platform === "windows" ? "Windows" : "Linux");
    case "AgentVersion":
      return true;
    default:
      if (f.key.startsWith("tag:")) return f.values.includes(tags[f.key.slice(4)] ?? "\u0000");
      if (f.key === "tag-key") return f.values.some((k) => k in tags);
      return true;
  }
}

export function describeInstanceInformation(
  ctx: EmulatorContext,
  body: Record<string, unknown>,
  region: string,
): unknown {
  const filters = filtersOf(body);
  const all = ctx.directory.instances.filter(
    (i) => inRegion(i, region) && (i.managed ?? i.online) && filters.every((f) => matches(i, f)),
  );
  const max = typeof body.MaxResults === "number" ? body.MaxResults : 50;
  const start = typeof body.NextToken === "string" ? Number(Buffer.from(body.NextToken, "base64").toString()) || 0 : 0;
  const page = all.slice(start, start + max);
  const next = start + max < all.length ? Buffer.from(String(start + max)).toString("base64") : undefined;
  const now = ctx.clock.nowSeconds();
  return {
    InstanceInformationList: page.map((i) => ({
      InstanceId: i.instanceId,
      PingStatus: pingStatus(i),
      // A node that lost its connection last answered a while ago.
      LastPingDateTime: pingStatus(i) === "Online" ? now : now - 3 * 3600,
      AgentVersion: ctx.knobs.agentVersion,
      IsLatestVersion: false,
      PlatformType: i.platform === "windows" ? "Windows" : "Linux",
      PlatformName: i.platform === "windows" ? "Microsoft Windows Server 2022 Datacenter" : "Amazon Linux",
      PlatformVersion: i.platform === "windows" ? "10.0.20348" : "2023",
      ResourceType: "EC2Instance",
      IPAddress: i.privateIp,
      ComputerName: `ip-${i.privateIp.replace(/\./g, "-")}.ec2.internal`,
      SourceId: i.instanceId,
      SourceType: "AWS::EC2::Instance",
    })),
    ...(next ? { NextToken: next } : {}),
  };
}
