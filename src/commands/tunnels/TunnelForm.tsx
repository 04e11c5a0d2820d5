// Create, edit or duplicate a tunnel: profile (usable ones first), region, a target picker over the profile's
// instances, and ports checked as the user types (same rules as the CLI; a local port in use names its holder).
import { Action, ActionPanel, Form, Icon, Toast, showToast, useNavigation } from "@raycast/api";
import { useForm } from "@raycast/utils";
import { useEffect, useRef, useState } from "react";
import { loadAwsConfig } from "../../lib/aws";
import { InstancesNeedSignInError } from "../../lib/aws/instances";
import type { Env } from "../../lib/home";
import { MAX_SESSIONS, validateTunnel, type TunnelDefinition, type TunnelField } from "../../lib/tunnels/definition";
import { checkPort, describePortProblem } from "../../lib/tunnels/ports";
import { loadTunnels, saveTunnel } from "../../lib/tunnels/store";
import { signIn } from "../auth/sign-in";
import { readSettings } from "../settings";
import { useLoad } from "../use-load";
import { useUnmountSignal } from "../use-unmount-signal";
import {
  MANUAL_TARGET,
  duplicateValuesOf,
  emptyFormValues,
  formValuesOf,
  inputFromForm,
  profileOptions,
  type TunnelFormField,
  type TunnelFormValues,
} from "./form-values";
import { suggestLocalPort } from "./port-suggestion";
import { TargetPicker } from "./TargetPicker";
import { useInstances } from "./use-instances";

export interface TunnelFormProps {
  env: Env;
  /** The tunnel being edited; absent when creating one. */
  tunnel?: TunnelDefinition;
  /** Duplicate: start from this tunnel's values, save as a new one. */
  template?: TunnelDefinition;
  /** The edited tunnel runs now: saving says a restart applies the change, and offers it. */
  running?: boolean;
  onSaved?: (tunnel: TunnelDefinition, options: { restart: boolean }) => void;
}

async function loadFormData(env: Env) {
  const [config, saved] = await Promise.all([
    loadAwsConfig({ env, override: readSettings().awsConfigFile }),
    loadTunnels(env),
  ]);
  return { config, tunnels: saved.tunnels };
}

/** Which field shows a definition error: the target's goes where the user chose or typed it. */
function fieldFor(key: TunnelField, values: TunnelFormValues): TunnelFormField | undefined {
  if (key === "target") return values.target === MANUAL_TARGET ? "instanceId" : "target";
  return key === "id" ? undefined : (key as TunnelFormField);
}

export function TunnelForm({ env, tunnel, template, running, onSaved }: TunnelFormProps) {
  const { pop } = useNavigation();
  const data = useLoad(() => loadFormData(env));
  const signal = useUnmountSignal();
  const options = data.data ? profileOptions(data.data.config) : [];
  const restartAfterSave = useRef(false);
  const [saving, setSaving] = useState(false);

  const initial = tunnel
    ? formValuesOf(tunnel)
    : template
      ? duplicateValuesOf(template, data.data?.tunnels.map((t) => t.name) ?? [template.name])
      : emptyFormValues();

  // The values as last rendered: the per-field validators judge one field in the context of the others.
  const latest = useRef<TunnelFormValues>(initial);
  const form: ReturnType<typeof useForm<TunnelFormValues>> = useForm<TunnelFormValues>({
    initialValues: initial,
    validation: {
      name: (v) => fieldError("name", { name: v ?? "" }),
      instanceId: (v) =>
        form.values.target === MANUAL_TARGET ? fieldError("instanceId", { instanceId: v ?? "" }) : undefined,
      region: (v) => fieldError("region", { region: v ?? "" }),
      remoteHost: (v) => fieldError("remoteHost", { remoteHost: v ?? "" }),
      remotePort: (v) => fieldError("remotePort", { remotePort: v ?? "" }),
      localPort: (v) => fieldError("localPort", { localPort: v ?? "" }),
      bindAddress: (v) => fieldError("bindAddress", { bindAddress: v ?? "" }),
      profile: (v) => {
        const option = options.find((o) => o.name === v);
        return option && !option.usable
          ? `${v} cannot open tunnels: ${option.detail}`
          : fieldError("profile", { profile: v ?? "" });
      },
    },
    async onSubmit(values) {
      await save(values, restartAfterSave.current);
      restartAfterSave.current = false;
    },
  });
  const { values, itemProps, setValue, setValidationError } = form;
  latest.current = values;

  /** The definition validator's message for one field, given the values being typed. */
  function fieldError(field: TunnelFormField, change: Partial<TunnelFormValues>): string | undefined {
    const next = { ...latest.current, ...change };
    const checked = validateTunnel(inputFromForm(next, tunnel), data.data?.tunnels ?? []);
    if (checked.ok) return undefined;
    const entry = Object.entries(checked.errors).find(([key]) => fieldFor(key as TunnelField, next) === field);
    return entry?.[1];
  }

  // Until the user picks one, the first usable profile is the choice.
  const firstUsable = options.find((o) => o.usable)?.name;
  useEffect(() => {
    if (!values.profile && firstUsable) setValue("profile", firstUsable);
  }, [firstUsable]);
  const profile = options.find((o) => o.name === values.profile);
  const region = values.region.trim() || profile?.region;
  const instances = useInstances(env, profile?.usable ? profile.name : undefined, region);

  // Once the list is in: select the edited tunnel's instance, or the first online one for a new tunnel.
  useEffect(() => {
    const list = instances.data?.instances;
    if (!list || values.target !== MANUAL_TARGET) return;
    const typed = values.instanceId.trim().toLowerCase();
    const match = typed
      ? list.find((i) => i.id === typed)
      : tunnel
        ? undefined
        : list.find((i) => i.agent === "online");
    if (match) setValue("target", match.id);
  }, [instances.data]);

  // A free local port for a new tunnel, near the remote one; replaced while the user has not typed their own.
  const suggested = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (tunnel || !data.data) return;
    const remote = Number(values.remotePort);
    if (!Number.isInteger(remote) || remote < 1 || remote > 65535) return;
    if (values.localPort && values.localPort !== suggested.current) return;
    const taken = new Set(data.data.tunnels.map((t) => t.localPort));
    let current = true;
    void suggestLocalPort(remote, values.bindAddress || "127.0.0.1", taken).then((port) => {
      if (!current || port === undefined) return;
      suggested.current = String(port);
      setValue("localPort", String(port));
    });
    return () => {
      current = false;
    };
  }, [values.remotePort, data.data]);

  // Is the local port free right now? Checked as the user types (a running edited tunnel holds its own port).
  useEffect(() => {
    const port = Number(values.localPort);
    const bind = values.bindAddress.trim() || "127.0.0.1";
    if (!Number.isInteger(port) || port < 1 || port > 65535 || fieldError("bindAddress", {})) return;
    if (running && tunnel && tunnel.localPort === port && tunnel.bindAddress === bind) return;
    let current = true;
    const timer = setTimeout(async () => {
      const check = await checkPort(bind, port);
      if (current && !check.free) setValidationError("localPort", capitalise(describePortProblem(bind, port, check)));
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [values.localPort, values.bindAddress]);

  async function save(v: TunnelFormValues, restart: boolean) {
    const { tunnels } = await loadTunnels(env);
    const checked = validateTunnel(inputFromForm(v, tunnel), tunnels);
    const errors: Partial<Record<TunnelFormField, string>> = {};
    if (!checked.ok) {
      for (const [key, message] of Object.entries(checked.errors)) {
        const field = fieldFor(key as TunnelField, v);
        if (field) errors[field] = message;
      }
    }
    const option = options.find((o) => o.name === v.profile);
    if (option && !option.usable) errors.profile = `${v.profile} cannot open tunnels: ${option.detail}`;
    if (checked.ok && !(running && tunnel?.localPort === checked.value.localPort)) {
      const port = await checkPort(checked.value.bindAddress, checked.value.localPort);
      if (!port.free) {
        errors.localPort = capitalise(describePortProblem(checked.value.bindAddress, checked.value.localPort, port));
      }
    }
    if (!checked.ok || Object.keys(errors).length > 0) {
      for (const [field, message] of Object.entries(errors)) setValidationError(field as TunnelFormField, message);
      await showToast({ style: Toast.Style.Failure, title: "Check the highlighted fields" });
      return;
    }
    setSaving(true);
    try {
      const saved = await saveTunnel(env, checked.value);
      await showToast({
        style: Toast.Style.Success,
        title: tunnel ? "Tunnel updated" : "Tunnel saved",
        message: running && !restart ? `${saved.name}: restart it to apply the change` : saved.name,
      });
      onSaved?.(saved, { restart });
      pop();
    } catch (e) {
      await showToast({
        style: Toast.Style.Failure,
        title: "Could not save the tunnel",
        message: (e as Error).message,
      });
    } finally {
      setSaving(false);
    }
  }

  const config = data.data?.config;
  const configProblem =
    config && !options.some((o) => o.usable)
      ? `No profile in ${config.path} can open tunnels. ${config.problems[0]?.fix ?? "Add an IAM Identity Center profile with an account and role."}`
      : undefined;
  const needsSignIn = instances.error instanceof InstancesNeedSignInError;
  const submit = (restart: boolean) => (v: TunnelFormValues) => {
    restartAfterSave.current = restart;
    return form.handleSubmit(v);
  };
  const saveTitle = tunnel ? "Save Tunnel" : "Create Tunnel";

  return (
    <Form
      navigationTitle={tunnel ? `Edit ${tunnel.name}` : template ? `Duplicate ${template.name}` : "Create Tunnel"}
      isLoading={data.isLoading || saving}
      actions={
        <ActionPanel>
          {running ? (
            <Action.SubmitForm title="Save and Restart Tunnel" icon={Icon.ArrowClockwise} onSubmit={submit(true)} />
          ) : null}
          <Action.SubmitForm title={saveTitle} icon={Icon.Check} onSubmit={submit(false)} />
          {needsSignIn && profile ? (
            <Action
              title="Sign in to List Instances"
              icon={Icon.Key}
              shortcut={{ modifiers: ["cmd"], key: "l" }}
              onAction={async () => {
                const outcome = await signIn(profile.name, env, readSettings(), { signal });
                if (outcome?.status === "succeeded") instances.revalidate();
              }}
            />
          ) : null}
          <Action title="Reload Instances" icon={Icon.ArrowClockwise} onAction={() => instances.revalidate()} />
        </ActionPanel>
      }
    >
      {running ? (
        <Form.Description
          title="Running"
          text="This tunnel is running: a change applies when it restarts (Save and Restart Tunnel)."
        />
      ) : null}
      <Form.TextField {...itemProps.name} title="Name" placeholder="orders-db (staging)" />
      <Form.Dropdown {...itemProps.profile} title="Profile" info="An IAM Identity Center profile from your AWS config">
        <Form.Dropdown.Section title="SSO Profiles">
          {options
            .filter((o) => o.usable)
            .map((o) => (
              <Form.Dropdown.Item key={o.name} value={o.name} title={o.detail ? `${o.name} (${o.detail})` : o.name} />
            ))}
        </Form.Dropdown.Section>
        <Form.Dropdown.Section title="Cannot Open Tunnels">
          {options
            .filter((o) => !o.usable)
            .map((o) => (
              <Form.Dropdown.Item key={o.name} value={o.name} title={`${o.name} (${o.detail})`} icon={Icon.Warning} />
            ))}
          {values.profile && data.data && !profile ? (
            <Form.Dropdown.Item
              value={values.profile}
              title={`${values.profile} (not in the AWS config)`}
              icon={Icon.Warning}
            />
          ) : null}
        </Form.Dropdown.Section>
      </Form.Dropdown>
      {configProblem ? <Form.Description title="Profiles" text={configProblem} /> : null}
      {data.error ? <Form.Description title="AWS Config" text={data.error.message} /> : null}
      <Form.TextField
        {...itemProps.region}
        title="Region"
        placeholder={profile?.region ?? "eu-west-1"}
        info={`Leave empty to use the profile's region${profile?.region ? ` (${profile.region})` : ""}`}
      />
      <TargetPicker
        list={instances.data}
        isLoading={instances.isLoading}
        error={instances.error}
        profile={profile?.name}
        region={region}
        target={itemProps.target}
        instanceId={itemProps.instanceId}
      />
      <Form.TextField
        {...itemProps.remoteHost}
        title="Remote Host"
        placeholder="Optional: db.cluster-abc.eu-west-1.rds.amazonaws.com"
        info="Forward through the instance to this host; leave empty to reach a port on the instance itself"
      />
      <Form.TextField {...itemProps.remotePort} title="Remote Port" placeholder="5432" />
      <Form.TextField
        {...itemProps.localPort}
        title="Local Port"
        placeholder="15432"
        info="Suggested free; checked as you type"
      />
      <Form.TextField
        {...itemProps.bindAddress}
        title="Bind Address"
        placeholder="127.0.0.1"
        info="Local address to listen on; 127.0.0.1 keeps the tunnel private to this Mac"
      />
      <Form.Dropdown
        {...itemProps.sessions}
        title="Sessions"
        info="Parallel Session Manager sessions to the target: new connections go to the least busy one, so parallel downloads are not limited to one session's speed. Each is a session of its own in AWS (session history, logging)."
      >
        {Array.from({ length: MAX_SESSIONS }, (_, i) => String(i + 1)).map((n) => (
          <Form.Dropdown.Item key={n} value={n} title={n === "1" ? "1 (default)" : n} />
        ))}
      </Form.Dropdown>
      <Form.Checkbox {...itemProps.autoReconnect} label="Reconnect automatically after drops and sign-ins" />
    </Form>
  );
}

function capitalise(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
