// The layout of the incident's clocks on a time axis, for a server-rendered SVG: pure numbers and
// labels, so the view only draws. Two things made the old axis unreadable (issue 13): a linear
// scale piles a 2016 breach's events at the left edge when "now" is ten years later, and a small
// viewBox scaled to the page's width blew the labels up on a desktop and shrank them to nothing on
// a phone. So: the scale is compressed (each gap between two instants counts by the logarithm of
// its length, and a long gap is drawn broken, with how long it is), each item has its own row with
// its label placed where it fits, the SVG is drawn at its own size (not stretched), and narrow
// screens get the same items as a list (the view chooses by CSS).

export interface AxisInput {
  now: Date;
  events: { label: string; at: Date; title: string; when?: string; listText?: string }[];
  deadlines: { label: string; at: Date; title: string; isOverdue: boolean; when?: string; listText?: string }[];
}

export interface AxisMark {
  kind: "event" | "deadline" | "overdue";
  x: number;
  y: number;
  /** The text beside the mark: its label and, when given, its date. */
  label: string;
  /** Full text for the <title> (screen readers, hover). */
  title: string;
  /** The line of the narrow screens' list (the title when not given). */
  listText: string;
  at: Date;
  /** Where the label sits: right of the mark, or left when it does not fit there. */
  anchor: "start" | "end";
  labelX: number;
}

/** A stretch of the axis drawn shorter than it is, with how long it really is. */
export interface AxisBreak {
  x: number;
  label: string;
}

export interface AxisLayout {
  width: number;
  height: number;
  axisY: number;
  left: number;
  right: number;
  nowX: number;
  marks: AxisMark[];
  breaks: AxisBreak[];
  /** The first and last instants shown. */
  from: Date;
  to: Date;
}

export const AXIS_WIDTH = 720;
const MARGIN = 16;
const ROW = 24;
const TOP = 34;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A gap longer than this is drawn broken (the scale is not linear past it). */
const BREAK_AFTER = 7 * DAY;
/** Roughly how wide a character of the 13px label font is, in SVG units. */
const CHAR_WIDTH = 7.4;

/** A duration in round words: "3 weeks", "9 years". */
export function roughSpan(ms: number): string {
  const units: [number, string][] = [
    [365.25 * DAY, "year"],
    [30.44 * DAY, "month"],
    [7 * DAY, "week"],
    [DAY, "day"],
  ];
  for (const [size, name] of units) {
    const n = Math.floor(ms / size);
    if (n >= 1) return `${n} ${name}${n === 1 ? "" : "s"}`;
  }
  return `${Math.max(1, Math.round(ms / HOUR))} hours`;
}

/**
 * The x of each distinct instant: the gaps between consecutive instants count by log(1 + hours),
 * so an hour, a day and ten years all stay visible side by side; a single instant sits in the middle.
 */
function compressedScale(times: number[], left: number, right: number): Map<number, number> {
  const weights = times.slice(1).map((t, i) => Math.log1p((t - (times[i] as number)) / HOUR));
  const total = weights.reduce((a, b) => a + b, 0);
  const xs = new Map<number, number>();
  let sum = 0;
  times.forEach((t, i) => {
    if (i > 0) sum += weights[i - 1] as number;
    xs.set(t, total === 0 ? (left + right) / 2 : left + (sum / total) * (right - left));
  });
  return xs;
}

/** Places a label of `text` beside x inside the width: to the right when it fits, else to the left, else clamped. */
function placeLabel(x: number, text: string): { anchor: "start" | "end"; labelX: number } {
  const width = text.length * CHAR_WIDTH;
  if (x + 10 + width <= AXIS_WIDTH - MARGIN / 2) return { anchor: "start", labelX: x + 10 };
  if (x - 10 - width >= MARGIN / 2) return { anchor: "end", labelX: x - 10 };
  return { anchor: "start", labelX: Math.max(MARGIN / 2, AXIS_WIDTH - MARGIN / 2 - width) };
}

/** Lays out now, the events and the deadlines on one axis; null when there is nothing to show. */
export function layoutClockAxis(input: AxisInput): AxisLayout | null {
  if (input.events.length === 0 && input.deadlines.length === 0) return null;
  const items = [
    ...input.events.map((e) => ({ ...e, kind: "event" as const })),
    ...input.deadlines.map((d) => ({ ...d, kind: d.isOverdue ? ("overdue" as const) : ("deadline" as const) })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  const times = [...new Set([input.now.getTime(), ...items.map((i) => i.at.getTime())])].sort((a, b) => a - b);
  const left = MARGIN;
  const right = AXIS_WIDTH - MARGIN;
  const xOf = compressedScale(times, left, right);
  const x = (at: Date) => xOf.get(at.getTime()) as number;
  const breaks = times.slice(1).flatMap((t, i): AxisBreak[] => {
    const before = times[i] as number;
    if (t - before <= BREAK_AFTER) return [];
    return [{ x: ((xOf.get(before) as number) + (xOf.get(t) as number)) / 2, label: roughSpan(t - before) }];
  });
  const marks = items.map((item, index): AxisMark => {
    const label = item.when ? `${item.label} · ${item.when}` : item.label;
    const at = x(item.at);
    const listText = item.listText ?? item.title;
    return {
      kind: item.kind,
      x: at,
      y: TOP + 22 + index * ROW,
      label,
      title: item.title,
      listText,
      at: item.at,
      ...placeLabel(at, label),
    };
  });
  return {
    width: AXIS_WIDTH,
    height: TOP + 22 + items.length * ROW + 4,
    axisY: TOP,
    left,
    right,
    nowX: x(input.now),
    marks,
    breaks,
    from: new Date(times[0] as number),
    to: new Date(times[times.length - 1] as number),
  };
}
