// Feedback: toasts, HUDs and alerts, all recorded for assertions.
import { recorded, testState } from "./recorded";

export interface RecordedToast {
  style: string;
  title: string;
  message?: string;
  primaryAction?: { title: string; onAction?: (toast: Toast) => unknown };
}

/** One state a toast showed: every change of style, title or message adds one (Animated → Success/Failure). */
export interface ToastStep {
  style: string;
  title: string;
  message?: string;
}

const STYLES = new Set(["animated", "success", "failure"]);

export class Toast {
  static Style = { Animated: "animated", Success: "success", Failure: "failure" } as const;
  /** Every state the toast went through, in order. */
  readonly history: ToastStep[] = [];
  primaryAction?: RecordedToast["primaryAction"];
  secondaryAction?: RecordedToast["primaryAction"];
  hidden = false;
  private current: ToastStep;
  constructor(options: Partial<RecordedToast>) {
    this.current = { style: checkStyle(options.style ?? Toast.Style.Success), title: options.title ?? "" };
    if (options.message !== undefined) this.current.message = options.message;
    this.history.push({ ...this.current });
    this.primaryAction = options.primaryAction;
  }
  get style(): string {
    return this.current.style;
  }
  set style(style: string) {
    this.change({ style: checkStyle(style) });
  }
  get title(): string {
    return this.current.title;
  }
  set title(title: string) {
    this.change({ title });
  }
  get message(): string | undefined {
    return this.current.message;
  }
  set message(message: string | undefined) {
    this.change({ message });
  }
  /** Styles in order, repeats collapsed: ["animated", "success"]. */
  get transitions(): string[] {
    return this.history.map((s) => s.style).filter((s, i, all) => i === 0 || all[i - 1] !== s);
  }
  private change(update: Partial<ToastStep>): void {
    const next = { ...this.current, ...update };
    if (next.message === undefined) delete next.message;
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    this.history.push({ ...next });
  }
  async show(): Promise<void> {
    this.hidden = false;
  }
  async hide(): Promise<void> {
    this.hidden = true;
  }
}

function checkStyle(style: string): string {
  if (!STYLES.has(style)) throw new Error(`Toast.Style has no "${style}"`);
  return style;
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
