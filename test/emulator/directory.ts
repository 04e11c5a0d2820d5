// What the emulated AWS account holds: Identity Center assignments, IAM roles to assume, role credentials issued,
// EC2 instances.

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
  /**
   * Registered with Systems Manager, so DescribeInstanceInformation lists it: PingStatus Online while `online` and
   * running, else ConnectionLost (as AWS shows a stopped or unreachable managed node). Defaults to `online`; false is
   * an instance Systems Manager does not manage at all (no agent, or no instance profile).
   */
  managed?: boolean;
  /**
   * The region it runs in: as in AWS, DescribeInstances, DescribeInstanceInformation and StartSession in another region
   * do not see it. Absent: seen from every region (tests that do not care about regions).
   */
  region?: string;
}

/** An instance that runs only in eu-west-1: what region tests list, filter out and connect to. */
export const EU_WEST_INSTANCE: InstanceDef = {
  instanceId: "i-0eeee00001111aaaa",
  name: "eu-api",
  state: "running",
  privateIp: "10.8.0.5",
  online: true,
  region: "eu-west-1",
};

/** Whether a call signed for `region` sees the instance (EC2 instances and managed nodes are regional). */
export function inRegion(i: InstanceDef, region: string): boolean {
  return i.region === undefined || i.region === region;
}

/** An IAM role that STS AssumeRole hands out (role chaining from an SSO role into a workload account). */
export interface IamRoleDef {
  /** arn:aws:iam::<account>:role/<path/><name> */
  arn: string;
  /**
   * The trust policy's principals: a 12-digit account id trusts every principal of that account; a role ARN trusts
   * sessions of that role (an SSO role's ARN is arn:aws:iam::<acct>:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_…).
   */
  trustedPrincipals: string[];
  /** The trust policy's sts:ExternalId condition, when it has one. */
  externalId?: string;
  /** MaxSessionDuration (3600–43200 s). */
  maxSessionDurationSeconds: number;
  /** Like RoleDef.canStartSession: without it StartSession is AccessDeniedException. */
  canStartSession: boolean;
}

/** Role credentials handed out by GetRoleCredentials or AssumeRole; SSM, EC2 and STS accept only these. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: number;
  accountId: string;
  roleName: string;
  /** Set for AssumeRole sessions: the IAM role assumed and the RoleSessionName (absent for SSO portal credentials). */
  roleArn?: string;
  roleSessionName?: string;
}

export interface Directory {
  accounts: AccountDef[];
  /** Roles STS AssumeRole may hand out, by their trust policies. */
  iamRoles: IamRoleDef[];
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
    iamRoles: [
      // The hub-and-spoke set-up: sign in to Development, assume a role in Production.
      {
        arn: "arn:aws:iam::444455556666:role/TunnelOperator",
        trustedPrincipals: ["111122223333"],
        maxSessionDurationSeconds: 3600,
        canStartSession: true,
      },
      {
        arn: "arn:aws:iam::444455556666:role/Auditor",
        trustedPrincipals: ["111122223333"],
        maxSessionDurationSeconds: 3600,
        canStartSession: false,
      },
      // A third-party style role: only with the agreed external id.
      {
        arn: "arn:aws:iam::444455556666:role/PartnerAccess",
        trustedPrincipals: ["111122223333"],
        externalId: "partner-7f3a",
        maxSessionDurationSeconds: 3600,
        canStartSession: true,
      },
      // A second hop: only sessions of TunnelOperator may assume it.
      {
        arn: "arn:aws:iam::777788889999:role/DeepOperator",
        trustedPrincipals: ["arn:aws:iam::444455556666:role/TunnelOperator"],
        maxSessionDurationSeconds: 7200,
        canStartSession: true,
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
