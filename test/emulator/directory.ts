// What the emulated AWS account holds: Identity Center assignments, role credentials issued, EC2 instances.

export interface RoleDef {
  roleName: string;
  /** Roles without ssm:StartSession get AccessDeniedException from StartSession. */
  canStartSession: boolean;
}

export interface AccountDef {
  accountId: string;
  accountName: string;
  emailAddress: string;
  roles: RoleDef[];
}

export interface InstanceDef {
  instanceId: string;
  /** The Name tag. */
  name?: string;
  state: "pending" | "running" | "stopping" | "stopped" | "terminated";
  privateIp: string;
  platform?: string;
  tags?: Record<string, string>;
  /** Whether the SSM agent is registered and online (DescribeInstanceInformation PingStatus). */
  online: boolean;
}

/** Role credentials handed out by GetRoleCredentials; SSM and EC2 accept only these. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: number;
  accountId: string;
  roleName: string;
}

export interface Directory {
  accounts: AccountDef[];
  instances: InstanceDef[];
  /** Remote hosts for AWS-StartPortForwardingSessionToRemoteHost: name -> loopback address. Never anything else. */
  hosts: Record<string, string>;
  /** host:port destinations whose dial is refused (ConnectToPortError). */
  refusedDestinations: Set<string>;
  credentials: Map<string, IssuedCredentials>;
}

export function defaultDirectory(): Directory {
  return {
    accounts: [
      {
        accountId: "111122223333",
        accountName: "Development",
        emailAddress: "dev@example.com",
        roles: [
          { roleName: "Developer", canStartSession: true },
          { roleName: "ReadOnly", canStartSession: false },
        ],
      },
      {
        accountId: "444455556666",
        accountName: "Production",
        emailAddress: "prod@example.com",
        roles: [{ roleName: "Operator", canStartSession: true }],
      },
    ],
    instances: [
      { instanceId: "i-0123456789abcdef0", name: "bastion", state: "running", privateIp: "10.0.1.10", online: true },
      { instanceId: "i-0fedcba9876543210", name: "app-server", state: "running", privateIp: "10.0.1.20", online: true },
      { instanceId: "i-0aaaabbbbccccdddd", name: "old-batch", state: "stopped", privateIp: "10.0.2.30", online: false },
    ],
    hosts: { localhost: "127.0.0.1", "db.internal": "127.0.0.1", "cache.internal": "127.0.0.1" },
    refusedDestinations: new Set(),
    credentials: new Map(),
  };
}
