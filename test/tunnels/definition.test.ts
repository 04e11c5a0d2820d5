import {
  isHost,
  MAX_SESSIONS,
  newTunnelId,
  poolSize,
  validateTunnel,
  type TunnelDefinition,
} from "../../src/lib/tunnels/definition";

const base = {
  name: "orders-db",
  profile: "dev-sso",
  target: "i-0123456789abcdef0",
  remoteHost: "orders.cluster-abc.eu-west-1.rds.amazonaws.com",
  remotePort: 5432,
  localPort: 15432,
};

function errorsOf(input: Record<string, unknown>, existing: TunnelDefinition[] = []) {
  const result = validateTunnel(input, existing);
  if (result.ok) throw new Error(`expected errors for ${JSON.stringify(input)}`);
  return result.errors;
}

describe("validateTunnel", () => {
  it("accepts a complete definition and fills the defaults", () => {
    const result = validateTunnel(base);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ ...base, bindAddress: "127.0.0.1", autoReconnect: true });
    expect(result.value.id).toMatch(/^t-[0-9a-f]{10}$/);
  });

  it("takes form strings: trims, parses ports, lowercases ids and regions", () => {
    const result = validateTunnel({
      id: "t-abc",
      name: "  web  ",
      profile: "prod",
      region: "EU-West-1",
      target: " I-0123ABCD ",
      remotePort: "80",
      localPort: "8080",
      bindAddress: "",
      remoteHost: "",
      autoReconnect: false,
    });
    expect(result).toEqual({
      ok: true,
      value: {
        id: "t-abc",
        name: "web",
        profile: "prod",
        region: "eu-west-1",
        target: "i-0123abcd",
        remotePort: 80,
        localPort: 8080,
        bindAddress: "127.0.0.1",
        autoReconnect: false,
      },
    });
  });

  it.each(["i-0123abcd", "i-0123456789abcdef0", "mi-0123456789abcdef0", "mi-0123abcd"])("accepts target %s", (t) => {
    expect(validateTunnel({ ...base, target: t }).ok).toBe(true);
  });

  it.each(["", "i-123", "i-0123456789abcdef", "i-0123456789abcdefg", "x-0123abcd", "0123abcd", "i_0123abcd"])(
    "rejects target %j with the expected format",
    (t) => {
      expect(errorsOf({ ...base, target: t }).target).toMatch(t ? /i- or mi- followed by 8 or 17 hex/ : /required/);
    },
  );

  it.each([0, 65536, -1, 1.5, "80a", "", "eighty", null])("rejects port %j", (p) => {
    const errors = errorsOf({ ...base, remotePort: p, localPort: p });
    expect(errors.remotePort).toMatch(/Remote port (is required|must be a whole number from 1 to 65535)/);
    expect(errors.localPort).toMatch(/Local port/);
  });

  it.each([1, 65535, "22"])("accepts port %j", (p) => {
    expect(validateTunnel({ ...base, localPort: p }).ok).toBe(true);
  });

  it("requires a name, a profile and ports, reporting every field at once", () => {
    const errors = errorsOf({});
    expect(Object.keys(errors).sort()).toEqual(["localPort", "name", "profile", "remotePort", "target"]);
    expect(errors.name).toBe("Name is required");
    expect(errors.profile).toBe("Choose a profile");
  });

  it("rejects a name used by another tunnel, ignoring case, but not the tunnel's own", () => {
    const existing = validateTunnel({ ...base, id: "t-1" });
    if (!existing.ok) throw new Error("fixture");
    expect(errorsOf({ ...base, name: "ORDERS-DB" }, [existing.value]).name).toBe(
      'A tunnel named "ORDERS-DB" already exists',
    );
    expect(validateTunnel({ ...base, id: "t-1", localPort: 1 }, [existing.value]).ok).toBe(true);
  });

  it("rejects overlong names and control characters", () => {
    expect(errorsOf({ ...base, name: "x".repeat(65) }).name).toMatch(/at most 64/);
    expect(errorsOf({ ...base, name: "a\u0007b" }).name).toMatch(/control characters/);
  });

  it.each(["localhost", "db.internal", "a-b.c", "10.0.0.5", "::1", "[fe80::1]", "2001:db8::5", "x.example.com."])(
    "accepts remote host %s",
    (host) => {
      expect(validateTunnel({ ...base, remoteHost: host }).ok).toBe(true);
    },
  );

  it.each(["-bad.example", "under_score.example", "999.1.1.1", "a..b", "a b", "http://x", "x".repeat(64) + ".com"])(
    "rejects remote host %j",
    (host) => {
      expect(errorsOf({ ...base, remoteHost: host }).remoteHost).toMatch(/is not a host name or IP address/);
    },
  );

  it("requires the bind address to be an IP literal", () => {
    expect(validateTunnel({ ...base, bindAddress: "0.0.0.0" }).ok).toBe(true);
    expect(validateTunnel({ ...base, bindAddress: "::1" }).ok).toBe(true);
    expect(errorsOf({ ...base, bindAddress: "localhost" }).bindAddress).toMatch(/must be an IP address/);
  });

  it("validates region and auto-reconnect types", () => {
    expect(errorsOf({ ...base, region: "europe" }).region).toMatch(/not an AWS region/);
    expect(validateTunnel({ ...base, region: "us-gov-west-1" }).ok).toBe(true);
    expect(errorsOf({ ...base, autoReconnect: "yes" }).autoReconnect).toMatch(/true or false/);
  });

  it("takes a pool of 1 to 8 sessions, stored only when more than one", () => {
    const of = (sessions: unknown) => {
      const r = validateTunnel({ ...base, sessions });
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      return r.value;
    };
    expect(of(undefined)).not.toHaveProperty("sessions");
    expect(of(1)).not.toHaveProperty("sessions");
    expect(of("")).not.toHaveProperty("sessions");
    expect(of(4).sessions).toBe(4);
    expect(of(" 8 ").sessions).toBe(8);
    expect(poolSize(of(undefined))).toBe(1);
    expect(poolSize(of("3"))).toBe(3);
    for (const bad of [0, 9, -1, 2.5, "four", "4x", true]) {
      expect(errorsOf({ ...base, sessions: bad }).sessions).toBe(
        `Sessions must be a whole number from 1 to ${MAX_SESSIONS}`,
      );
    }
  });

  it("rejects ids that cannot name a file", () => {
    expect(errorsOf({ ...base, id: "../etc" }).id).toMatch(/lowercase letters/);
  });
});

describe("helpers", () => {
  it("newTunnelId is random and file-name safe", () => {
    const ids = new Set(Array.from({ length: 100 }, newTunnelId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^t-[0-9a-f]{10}$/);
  });

  it("isHost rejects an empty string", () => {
    expect(isHost("")).toBe(false);
  });
});
