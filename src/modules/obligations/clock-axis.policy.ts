// The layout of the incident's clocks on a time axis, for a server-rendered SVG: pure numbers
// and labels, so the view only draws. One row per item keeps labels apart at any width; the
// view scales it with its viewBox (readable on a 390px phone).

export interface AxisInput {
  now: Date;
  events: { label: string; at: Date; title: string }[];
  deadlines: { label: string; at: Date; title: string; isOverdue: boolean }[];
}

export interface AxisMark {
  kind: "event" | "deadline" | "overdue";
  x: number;
  y: number;
  label: string;
  /** Full text for the <title> (screen readers, hover). */
  title: string;
  /** Where the label sits: right of the mark, or left when the mark is near the right edge. */
  anchor: "start" | "end";
  labelX: number;
}

export interface AxisLayout {
  width: number;
  height: number;
  axisY: number;
  left: number;
  right: number;
  nowX: number;
  marks: AxisMark[];
  /** The first and last instants shown, for the axis's end labels. */
  from: Date;
  to: Date;
}

export const AXIS_WIDTH = 400;
const MARGIN = 16;
const ROW = 22;
const TOP = 34;

/** Lays out now, the events and the deadlines on one axis; null when there is nothing to show. */
export function layoutClockAxis(input: AxisInput): AxisLayout | null {
  if (input.events.length === 0 && input.deadlines.length === 0) return null;
  const times = [input.now, ...input.events.map((e) => e.at), ...input.deadlines.map((d) => d.at)].map((d) => d.getTime());
  const min = Math.min(...times);
  const max = Math.max(...times);
  const span = Math.max(max - min, 3_600_000);
  const pad = span * 0.04;
  const left = MARGIN;
  const right = AXIS_WIDTH - MARGIN;
  const xOf = (at: Date) => left + ((at.getTime() - (min - pad)) / (span + 2 * pad)) * (right - left);
  const items = [
    ...input.events.map((e) => ({ ...e, kind: "event" as const })),
    ...input.deadlines.map((d) => ({ ...d, kind: d.isOverdue ? ("overdue" as const) : ("deadline" as const) })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  const marks = items.map((item, index): AxisMark => {
    const x = xOf(item.at);
    const anchor = x > AXIS_WIDTH * 0.6 ? "end" : "start";
    return {
      kind: item.kind,
      x,
      y: TOP + 18 + index * ROW,
      label: item.label,
      title: item.title,
      anchor,
      labelX: anchor === "start" ? x + 8 : x - 8,
    };
  });
  return {
    width: AXIS_WIDTH,
    height: TOP + 18 + items.length * ROW + 8,
    axisY: TOP,
    left,
    right,
    nowX: xOf(input.now),
    marks,
    from: new Date(min),
    to: new Date(max),
  };
}
