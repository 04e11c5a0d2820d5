// Feedback: toasts, HUDs and alerts, all recorded for assertions.
import { recorded, testState } from "./recorded";

export interface RecordedToast {
  style: string;
  title: string;
  message?: string;
  primaryAction?: { title: string; onAction?: (toast: Toast) => unknown };
}

export class Toast {
  static Style = { Animated: "animated", Success: "success", Failure: "failure" } as const;
  style: string;
  title: string;
  message?: string;
  primaryAction?: RecordedToast["primaryAction"];
  secondaryAction?: RecordedToast["primaryAction"];
  hidden = false;
  constructor(options: Partial<RecordedToast>) {
    this.style = options.style ?? Toast.Style.Success;
    this.title = options.title ?? "";
    this.message = options.message;
    this.primaryAction = options.primaryAction;
  }
  async show(): Promise<void> {
    this.hidden = false;
  }
  async hide(): Promise<void> {
    this.hidden = true;
  }
}

export async function showToast(
  optionsOrStyle: Partial<RecordedToast> | string,
  title?: string,
  message?: string,
): Promise<Toast> {
  const options = typeof optionsOrStyle === "string" ? { style: optionsOrStyle, title, message } : optionsOrStyle;
  const toast = new Toast(options);
  recorded.toasts.push(toast);
  return toast;
}

export async function showHUD(title: string): Promise<void> {
  recorded.huds.push(title);
  recorded.closedMainWindow++;
}

export const Alert = { ActionStyle: { Default: "default", Cancel: "cancel", Destructive: "destructive" } } as const;

export async function confirmAlert(options: Record<string, unknown>): Promise<boolean> {
  recorded.alerts.push(options);
  return testState.confirmAnswer;
}
