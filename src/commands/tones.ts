// The status vocabulary's tones in Raycast colours, shared by the tunnel list and the menu bar.
import { Color, Icon, type Image } from "@raycast/api";
import type { Tone } from "../lib/tunnels/status-vocabulary";

export const TONE_COLORS: Record<Tone, Color> = {
  ok: Color.Green,
  busy: Color.Yellow,
  warning: Color.Orange,
  error: Color.Red,
  idle: Color.SecondaryText,
};

const TONE_GLYPHS: Record<Tone, Icon> = {
  ok: Icon.CircleFilled,
  busy: Icon.CircleProgress50,
  warning: Icon.Warning,
  error: Icon.XMarkCircle,
  idle: Icon.Circle,
};

export function toneIcon(tone: Tone): Image.ImageLike {
  return { source: TONE_GLYPHS[tone], tintColor: TONE_COLORS[tone] };
}
