// endpoint_url / services = NAME / ignore_configured_endpoint_urls in a profile: per-service endpoint overrides, read
// as the CLI ≥ 2.13 and the JS SDK read them. Which one wins against the environment is sdk-config's resolveEndpoints.
import { SERVICE_FIELDS, servicesKey } from "./service-ids";
import type { ConfigProblem, EndpointSettings, ProfileEndpoints } from "./types";
import { parseNested, type Values } from "./values";

export interface ServicesSection {
  name: string;
  section: string;
  values: Values;
}

/** The profile's endpoint settings; undefined when it configures none. */
export function profileEndpoints(
  name: string,
  section: string,
  values: Values,
  services: Map<string, ServicesSection>,
  problems: ConfigProblem[],
): EndpointSettings | undefined {
  const out: ProfileEndpoints = {};
  // Per service: the [services] sub-block first, then the profile's own endpoint_url (botocore's config order).
  const global = values.get("endpoint_url");
  if (global) for (const field of SERVICE_FIELDS) out[field] = global;
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
      for (const field of SERVICE_FIELDS) {
        const block = target.values.get(servicesKey(field));
        if (!block) continue;
        const parsed = parseNested(block);
        const url = "values" in parsed ? parsed.values.get("endpoint_url") : undefined;
        if (url) out[field] = url;
      }
    }
  }
  const ignore = /^true$/i.test(values.get("ignore_configured_endpoint_urls") ?? "");
  const settings: EndpointSettings = {
    ...(Object.keys(out).length > 0 ? { endpoints: out } : {}),
    ...(ignore ? { ignoreConfiguredEndpointUrls: true } : {}),
  };
  return Object.keys(settings).length > 0 ? settings : undefined;
}
