// What the target picker lists: EC2 DescribeInstances (name, state, platform, private IP) joined with SSM
// DescribeInstanceInformation (is the agent online?), signed with the credentials a tunnel on that profile would use
// (the SSO role, then any role chain). Managed nodes that are not EC2 instances (mi-…) come from SSM alone. Either
// call may be denied by the role: the other still lists.
import { DescribeInstancesCommand, type Instance } from "@aws-sdk/client-ec2";
import { DescribeInstanceInformationCommand, type InstanceInformation } from "@aws-sdk/client-ssm";
import type { Env } from "../home";
import { ProfileCredentials } from "../sso/profile-credentials";
import type { RoleCredentials } from "../sso/role-credentials";
import { readToken } from "../sso/token-cache";
import { ec2Client } from "./ec2-client";
import { resolveEndpoints } from "./sdk-config";
import { ssmClient } from "./ssm-client";
import type { RoleChainedProfile, SsoProfile } from "./types";

/** Session Manager's view of the node: only `online` ones accept a tunnel now. */
export type AgentStatus = "online" | "connection-lost" | "inactive" | "not-managed";

export interface InstanceChoice {
  id: string;
  /** The Name tag (EC2) or the computer name (managed nodes). */
  name?: string;
  /** EC2 state (running, stopped, …); absent for managed nodes outside EC2. */
  state?: string;
  platform?: string;
  privateIp?: string;
  agent: AgentStatus;
}

export interface InstanceList {
  instances: InstanceChoice[];
  /** What could not be listed (e.g. the role may not call ec2:DescribeInstances); shown beside the list. */
  notes: string[];
}

/** No usable SSO token: the picker offers a sign-in. */
export class InstancesNeedSignInError extends Error {
  constructor(profile: string) {
    super(`Sign in to ${profile} to list its instances`);
    this.name = "InstancesNeedSignInError";
  }
}

export interface ListInstancesOptions {
  env: Env;
  signal?: AbortSignal;
}

const AGENT_ORDER: Record<AgentStatus, number> = { online: 0, "connection-lost": 1, inactive: 2, "not-managed": 3 };

/**
 * `profile` is the tunnel's profile; `root` the SSO profile whose token it lives on (the profile itself, or the end of
 * its role chain).
 */
export async function listInstances(
  profile: SsoProfile | RoleChainedProfile,
  root: SsoProfile,
  region: string,
  options: ListInstancesOptions,
): Promise<InstanceList> {
  const read = await readToken(root.tokenCacheFile);
  if (read.state !== "ok" || read.expiresAt.getTime() <= Date.now()) throw new InstancesNeedSignInError(profile.name);
  const endpoints = resolveEndpoints(undefined, options.env, profile);
  const chain = { root, hops: profile.kind === "role-chained" ? profile.hops : [] };
  const credentials = await new ProfileCredentials(chain, {
    accessToken: async () => read.token.accessToken,
    endpoints,
  }).get(options.signal);
  const [ec2, ssm] = await Promise.allSettled([
    describeInstances(region, credentials, endpoints, options.signal),
    describeInstanceInformation(region, credentials, endpoints, options.signal),
  ]);
  if (ec2.status === "rejected" && ssm.status === "rejected") throw ec2.reason;
  const notes = [
    ...(ec2.status === "rejected" ? [`EC2 instances not listed: ${(ec2.reason as Error).message}`] : []),
    ...(ssm.status === "rejected" ? [`Agent status unknown: ${(ssm.reason as Error).message}`] : []),
  ];
  const info = new Map((ssm.status === "fulfilled" ? ssm.value : []).map((i) => [i.InstanceId!, i]));
  const instances: InstanceChoice[] = (ec2.status === "fulfilled" ? ec2.value : []).map((i) => {
    const managed = info.get(i.InstanceId!);
    info.delete(i.InstanceId!);
    return {
      id: i.InstanceId!,
      name: i.Tags?.find((t) => t.Key === "Name")?.Value || undefined,
      state: i.State?.Name,
      platform: i.PlatformDetails ?? i.Platform,
      privateIp: i.PrivateIpAddress,
      agent: managed ? agentStatus(managed) : ssm.status === "fulfilled" ? "not-managed" : "inactive",
    };
  });
  // Hybrid nodes (mi-…), and EC2 instances the role could not list.
  for (const m of info.values()) {
    instances.push({
      id: m.InstanceId!,
      name: m.Name || m.ComputerName || undefined,
      platform: [m.PlatformName, m.PlatformVersion].filter(Boolean).join(" ") || m.PlatformType,
      privateIp: m.IPAddress,
      agent: agentStatus(m),
    });
  }
  instances.sort(
    (a, b) => AGENT_ORDER[a.agent] - AGENT_ORDER[b.agent] || (a.name ?? a.id).localeCompare(b.name ?? b.id),
  );
  return { instances, notes };
}

function agentStatus(i: InstanceInformation): AgentStatus {
  if (i.PingStatus === "Online") return "online";
  if (i.PingStatus === "ConnectionLost") return "connection-lost";
  return "inactive";
}

type Credentials = RoleCredentials;
type Endpoints = ReturnType<typeof resolveEndpoints>;

/** Every instance that is not terminated, all pages. */
async function describeInstances(region: string, credentials: Credentials, endpoints: Endpoints, signal?: AbortSignal) {
  const client = ec2Client(region, credentials, endpoints);
  try {
    const out: Instance[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send(
        new DescribeInstancesCommand({
          Filters: [{ Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] }],
          MaxResults: 1000,
          NextToken,
        }),
        { abortSignal: signal },
      );
      for (const r of page.Reservations ?? []) out.push(...(r.Instances ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  } finally {
    client.destroy();
  }
}

async function describeInstanceInformation(
  region: string,
  credentials: Credentials,
  endpoints: Endpoints,
  signal?: AbortSignal,
) {
  const client = ssmClient(region, credentials, endpoints);
  try {
    const out: InstanceInformation[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send(new DescribeInstanceInformationCommand({ MaxResults: 50, NextToken }), {
        abortSignal: signal,
      });
      out.push(...(page.InstanceInformationList ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  } finally {
    client.destroy();
  }
}
