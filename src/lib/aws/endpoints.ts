// endpoint_url / services = NAME in a profile: per-service endpoint overrides, as the CLI ≥ 2.13 and the JS SDK read them.
import type { ConfigProblem, ProfileEndpoints } from "./types";
import { parseNested, type Values } from "./values";

/** Service keys in a [services] section → our field names (service ids lower-cased, spaces as underscores). */
const SERVICE_KEYS: Record<string, keyof ProfileEndpoints> = {
  sso_oidc: "ssoOidc",
  sso: "sso",
  ssm: "ssm",
  ec2: "ec2",
  sts: "sts",
};

export interface ServicesSection {
  name: string;
  section: string;
  values: Values;
}

export function profileEndpoints(
  name: string,
  section: string,
  values: Values,
  services: Map<string, ServicesSection>,
  problems: ConfigProblem[],
): ProfileEndpoints | undefined {
  if (/^true$/i.test(values.get("ignore_configured_endpoint_urls") ?? "")) return undefined;
  const out: ProfileEndpoints = {};
  const global = values.get("endpoint_url");
  if (global) for (const field of Object.values(SERVICE_KEYS)) out[field] = global;
  const servicesName = values.get("services");
  if (servicesName !== undefined) {
    const target = services.get(servicesName);
    if (!target) {
      problems.push({
        section,
        key: "services",
        profile: name,
        severity: "warning",
        message: `Profile ${name} refers to services ${servicesName}, but there is no [services ${servicesName}] section, so its endpoint overrides are ignored.`,
        fix: `Add a [services ${servicesName}] section or remove services = ${servicesName}.`,
      });
    } else {
      for (const [key, field] of Object.entries(SERVICE_KEYS)) {
        const block = target.values.get(key);
        if (!block) continue;
        const parsed = parseNested(block);
        const url = "values" in parsed ? parsed.values.get("endpoint_url") : undefined;
        if (url) out[field] = url;
      }
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
