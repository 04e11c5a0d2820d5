// Create or edit a tunnel: validated with the same rules as the CLI, saved to the shared tunnels.json.
import { Action, ActionPanel, Form, Icon, Toast, showToast, useNavigation } from "@raycast/api";
import { useState } from "react";
import { loadAwsConfig } from "../../lib/aws";
import type { Env } from "../../lib/home";
import {
  MAX_SESSIONS,
  TunnelValidationError,
  validateTunnel,
  type TunnelDefinition,
} from "../../lib/tunnels/definition";
import { loadTunnels, saveTunnel } from "../../lib/tunnels/store";
import { readSettings } from "../settings";
import { useLoad } from "../use-load";
import {
  emptyFormValues,
  formValuesOf,
  inputFromForm,
  tunnelProfiles,
  type TunnelFormField,
  type TunnelFormValues,
} from "./form-values";

export interface TunnelFormProps {
  env: Env;
  /** The tunnel being edited; absent when creating one. */
  tunnel?: TunnelDefinition;
  onSaved?: (tunnel: TunnelDefinition) => void;
}

export function TunnelForm({ env, tunnel, onSaved }: TunnelFormProps) {
  const { pop } = useNavigation();
  const { awsConfigFile } = readSettings();
  const config = useLoad(() => loadAwsConfig({ env, override: awsConfigFile }), awsConfigFile ?? "");
  const [values, setValues] = useState<TunnelFormValues>(tunnel ? formValuesOf(tunnel) : emptyFormValues());
  const [errors, setErrors] = useState<Partial<Record<TunnelFormField, string>>>({});
  const [saving, setSaving] = useState(false);

  const profiles = config.data ? tunnelProfiles(config.data) : [];
  // Until the user picks one, the first usable profile is the choice (the dropdown shows it selected).
  const profile = values.profile || profiles[0]?.name || "";
  const missingProfile = values.profile && !profiles.some((p) => p.name === values.profile) ? values.profile : "";

  function field<K extends TunnelFormField>(id: K, value: TunnelFormValues[K] = values[id]) {
    return {
      id,
      value,
      error: errors[id],
      onChange: (value: TunnelFormValues[K]) => {
        setValues((v) => ({ ...v, [id]: value }));
        setErrors((e) => ({ ...e, [id]: undefined }));
      },
    };
  }

  async function submit() {
    const current = { ...values, profile };
    const { tunnels } = await loadTunnels(env);
    const checked = validateTunnel(inputFromForm(current, tunnel), tunnels);
    const fieldErrors: Partial<Record<TunnelFormField, string>> = checked.ok ? {} : { ...checked.errors };
    if (current.profile && config.data && !profiles.some((p) => p.name === current.profile)) {
      fieldErrors.profile = `Profile "${current.profile}" cannot open tunnels (not an SSO profile in ${config.data.path})`;
    }
    if (!checked.ok || Object.keys(fieldErrors).length > 0) {
      setErrors(fieldErrors);
      await showToast({ style: Toast.Style.Failure, title: "Check the highlighted fields" });
      return;
    }
    setSaving(true);
    try {
      const saved = await saveTunnel(env, checked.value);
      await showToast({
        style: Toast.Style.Success,
        title: tunnel ? "Tunnel updated" : "Tunnel saved",
        message: saved.name,
      });
      onSaved?.(saved);
      pop();
    } catch (e) {
      if (e instanceof TunnelValidationError) setErrors(e.errors);
      await showToast({
        style: Toast.Style.Failure,
        title: "Could not save the tunnel",
        message: (e as Error).message,
      });
    } finally {
      setSaving(false);
    }
  }

  const configProblem =
    config.data && profiles.length === 0
      ? `No profile in ${config.data.path} can open tunnels. ${config.data.problems[0]?.fix ?? "Add an IAM Identity Center profile with an account and role."}`
      : undefined;

  return (
    <Form
      navigationTitle={tunnel ? `Edit ${tunnel.name}` : "Create Tunnel"}
      isLoading={config.isLoading || saving}
      actions={
        <ActionPanel>
          <Action.SubmitForm title={tunnel ? "Save Tunnel" : "Create Tunnel"} icon={Icon.Check} onSubmit={submit} />
        </ActionPanel>
      }
    >
      <Form.TextField {...field("name")} title="Name" placeholder="orders-db (staging)" />
      <Form.Dropdown
        {...field("profile", profile)}
        title="Profile"
        info="An IAM Identity Center profile from your AWS config"
      >
        {profiles.map((p) => (
          <Form.Dropdown.Item key={p.name} value={p.name} title={p.detail ? `${p.name} (${p.detail})` : p.name} />
        ))}
        {missingProfile ? (
          <Form.Dropdown.Item value={missingProfile} title={`${missingProfile} (not usable)`} icon={Icon.Warning} />
        ) : null}
      </Form.Dropdown>
      {configProblem ? <Form.Description title="Profiles" text={configProblem} /> : null}
      {config.error ? <Form.Description title="AWS Config" text={config.error.message} /> : null}
      <Form.TextField
        {...field("target")}
        title="Target Instance"
        placeholder="i-0123456789abcdef0"
        info="EC2 instance (i-…) or managed instance (mi-…) running the SSM agent"
      />
      <Form.TextField
        {...field("remoteHost")}
        title="Remote Host"
        placeholder="Optional: db.cluster-abc.eu-west-1.rds.amazonaws.com"
        info="Forward through the instance to this host; leave empty to reach a port on the instance itself"
      />
      <Form.TextField {...field("remotePort")} title="Remote Port" placeholder="5432" />
      <Form.TextField {...field("localPort")} title="Local Port" placeholder="15432" />
      <Form.TextField
        {...field("bindAddress")}
        title="Bind Address"
        placeholder="127.0.0.1"
        info="Local address to listen on; 127.0.0.1 keeps the tunnel private to this Mac"
      />
      <Form.Dropdown
        {...field("sessions")}
        title="Sessions"
        info="Parallel Session Manager sessions to the target: new connections go to the least busy one, so parallel downloads are not limited to one session's speed. Each is a session of its own in AWS (session history, logging)."
      >
        {Array.from({ length: MAX_SESSIONS }, (_, i) => String(i + 1)).map((n) => (
          <Form.Dropdown.Item key={n} value={n} title={n === "1" ? "1 (default)" : n} />
        ))}
      </Form.Dropdown>
      <Form.Checkbox {...field("autoReconnect")} label="Reconnect automatically after drops and sign-ins" />
    </Form>
  );
}
