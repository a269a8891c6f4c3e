/** Shared geometry of the timeline (SVG user units; the chart scales to the page width) and its small helpers. */
import { clockTime, dayLabel, formatSpan } from './text.ts';

export const WIDTH = 1200;
export const PLOT_LEFT = 262;
export const PLOT_RIGHT = 1184;
export const LANE_H = 44;
/** Short states and events stay visible: a segment is at least this wide. */
export const MIN_SEGMENT_PX = 3;
/** Rough width of a character of the 10.5px labels, to decide whether a label fits. */
export const CHAR_PX = 6.1;

/** Coordinates with one decimal: enough for the screen, and a smaller file. */
export const r = (n: number) => Math.round(n * 10) / 10;
export const when = (t: number) => `${dayLabel(t, true)} ${clockTime(t)}`;
export const span = (from: number, to: number) => `${when(from)} → ${when(to)} (${formatSpan(to - from)})`;
