// The target field: a searchable list of the profile's instances with their Session Manager status, or an id typed
// by hand (always possible: a role may not list instances, or the target is in another account's view).
import { Color, Form, Icon, type Image } from "@raycast/api";
import {
  InstancesNeedSignInError,
  type AgentStatus,
  type InstanceChoice,
  type InstanceList,
} from "../../lib/aws/instances";
import { MANUAL_TARGET } from "./form-values";

const AGENT_SECTIONS: { agent: AgentStatus; title: string; icon: Image.ImageLike }[] = [
  { agent: "online", title: "Agent Online", icon: { source: Icon.CircleFilled, tintColor: Color.Green } },
  {
    agent: "connection-lost",
    title: "Agent Connection Lost",
    icon: { source: Icon.CircleProgress25, tintColor: Color.Orange },
  },
  {
    agent: "inactive",
    title: "Agent Status Unknown",
    icon: { source: Icon.QuestionMarkCircle, tintColor: Color.SecondaryText },
  },
  {
    agent: "not-managed",
    title: "Not Managed by Systems Manager",
    icon: { source: Icon.Circle, tintColor: Color.Red },
  },
];

export function instanceTitle(i: InstanceChoice): string {
  return [i.name ?? "(no name)", i.id, i.privateIp, i.state && i.state !== "running" ? i.state : undefined, i.platform]
    .filter(Boolean)
    .join(" · ");
}

export interface TargetPickerProps {
  list?: InstanceList;
  isLoading: boolean;
  error?: Error;
  profile?: string;
  region?: string;
  /** useForm item props of the dropdown and of the typed id. */
  target: Form.ItemProps<string>;
  instanceId: Form.ItemProps<string>;
}

/** What to say under the picker: why it is empty, or what it could not list. */
export function pickerNote(p: Pick<TargetPickerProps, "list" | "isLoading" | "error" | "profile" | "region">) {
  if (p.error instanceof InstancesNeedSignInError) return `${p.error.message} (Sign in to List Instances, ⌘L).`;
  if (p.error) return `Could not list instances: ${p.error.message}`;
  if (p.isLoading || !p.list) return undefined;
  if (p.list.instances.length === 0) return `No instances found for ${p.profile} in ${p.region}.`;
  return p.list.notes.join(" ") || undefined;
}

export function TargetPicker(props: TargetPickerProps) {
  const instances = props.list?.instances ?? [];
  const note = pickerNote(props);
  return (
    <>
      <Form.Dropdown
        {...props.target}
        title="Target Instance"
        isLoading={props.isLoading}
        filtering={true}
        placeholder="Search by name, id or IP"
        info="Instances of the profile's account in the tunnel's region; only those whose agent is online accept a tunnel"
      >
        {AGENT_SECTIONS.map((section) => {
          const items = instances.filter((i) => i.agent === section.agent);
          return items.length === 0 ? null : (
            <Form.Dropdown.Section key={section.agent} title={section.title}>
              {items.map((i) => (
                <Form.Dropdown.Item
                  key={i.id}
                  value={i.id}
                  title={instanceTitle(i)}
                  icon={section.icon}
                  keywords={[i.id, ...(i.name ? [i.name] : []), ...(i.privateIp ? [i.privateIp] : [])]}
                />
              ))}
            </Form.Dropdown.Section>
          );
        })}
        <Form.Dropdown.Section title="Other">
          <Form.Dropdown.Item value={MANUAL_TARGET} title="Enter an Instance ID…" icon={Icon.Pencil} />
        </Form.Dropdown.Section>
      </Form.Dropdown>
      {props.target.value === MANUAL_TARGET ? (
        <Form.TextField
          {...props.instanceId}
          title="Instance ID"
          placeholder="i-0123456789abcdef0"
          info="EC2 instance (i-…) or managed node (mi-…) running the SSM agent"
        />
      ) : null}
      {note ? <Form.Description title="Instances" text={note} /> : null}
    </>
  );
}
