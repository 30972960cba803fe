// `breachdesk regimes` and `breachdesk deadlines`: the rule pack and the deadline engine from the
// command line, without the web app or a database. The JSON shapes are a contract for scripts.
import { parseArgs } from "node:util";
import { AppError } from "../lib/errors.js";
import { isValidZone, parseInstant } from "../lib/instants.js";
import {
  computeDeadline,
  type DeadlineOptions,
  describeTrigger,
  findRule,
  holidayCalendarOf,
  isTriggerCode,
  type Rule,
  rulePack,
  TRIGGER_CODE_LIST,
  type TriggerCode,
} from "../modules/deadlines/index.js";
import type { CliIo } from "./cli-io.js";

export const deadlinesUsage = `  breachdesk regimes [--json]
      Lists the rules of the regulator rule pack: id, jurisdiction, regime, who is notified,
      the event that starts the clock, the duration and its unit, and the citations (with --json,
      each as {title, url, primary}: primary is the law itself, the others commentary).
  breachdesk deadlines --rule ID [--rule ID ...] --event NAME=INSTANT [--event ...]
                      [--zone IANA-ZONE] [--holidays COUNTRY[-STATE]] [--json]
      Computes the deadlines of the rules from the events that start their clocks. NAME is a
      trigger code (awareness, discovery, materiality_determination, ...); INSTANT has an
      offset (2026-03-28T10:00:00+01:00) or a zone in brackets (2026-03-28T10:00[Europe/Berlin]).
      --zone counts days in the entity's own zone (Australia/Perth) instead of each rule's;
      --holidays takes the public holidays of that place (AU-WA, DE-BE, BR) instead of each
      rule's.`;

/** `breachdesk regimes [--json]`: prints every rule of the pack; returns the exit status (0, or 2 for bad usage). */
export function runRegimesCommand(args: string[], io: CliIo): number {
  return withUsageErrors(io, () => {
    const { values } = parseArgs({ args, options: { json: { type: "boolean" } }, strict: true });
    const rows = rulePack.rules.map(listRow);
    if (values.json) {
      io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    const table = [
      ["ID", "JURISDICTION", "NOTIFY", "TRIGGER", "DEADLINE", "CITATION"],
      ...rows.map((r) => [r.id, r.jurisdiction, r.notify, r.trigger, durationText(r), r.citation]),
    ];
    const widths = table[0]?.map((_, column) => Math.max(...table.map((row) => (row[column] ?? "").length))) ?? [];
    const lines = table.map((row) =>
      row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join("  "),
    );
    io.stdout.write(`${lines.join("\n")}\n${rows.length} rules (rule pack ${rulePack.version}).\n`);
    return 0;
  });
}

/**
 * `breachdesk deadlines --rule ID ... --event NAME=INSTANT ... [--json]`: computes each rule's
 * deadline from the event named by its trigger code; returns 0, or 2 naming every bad input.
 */
export function runDeadlinesCommand(args: string[], io: CliIo): number {
  return withUsageErrors(io, () => {
    const { values } = parseArgs({
      args,
      options: {
        rule: { type: "string", multiple: true },
        event: { type: "string", multiple: true },
        zone: { type: "string" },
        holidays: { type: "string" },
        json: { type: "boolean" },
      },
      strict: true,
    });
    const problems: string[] = [];
    const ruleIds = values.rule ?? [];
    if (ruleIds.length === 0) problems.push("Missing --rule ID (`breachdesk regimes` lists the rule ids).");
    const unknown = ruleIds.filter((id) => !findRule(id));
    if (unknown.length)
      problems.push(
        `Unknown rule${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")} (\`breachdesk regimes\` lists the rule ids).`,
      );
    const events = parseEvents(values.event ?? [], problems);
    const overrides = parseOverrides(values.zone, values.holidays, problems);
    const rules = ruleIds.map((id) => findRule(id)).filter((rule): rule is Rule => rule !== undefined);
    const named = new Set((values.event ?? []).map((pair) => pair.split("=")[0]?.trim()));
    for (const rule of rules) {
      // An event given but unreadable is already reported; only a missing one is named here.
      if (!named.has(rule.trigger.code)) {
        problems.push(`${rule.id} needs --event ${rule.trigger.code}=INSTANT (${describeTrigger(rule.trigger.code)}).`);
      }
    }
    if (problems.length) {
      io.stderr.write(`${problems.join("\n")}\n\nUsage:\n${deadlinesUsage}\n`);
      return 2;
    }
    const eventMap = Object.fromEntries(events) as Partial<Record<TriggerCode, Date>>;
    const deadlines = rules.map((rule) => {
      const computed = computeDeadline(rule, events.get(rule.trigger.code) as Date, { events: eventMap, ...overrides });
      return {
        rule: rule.id,
        dueAt: computed.dueAt?.toISOString() ?? null,
        dueLocal: computed.dueLocal,
        zone: computed.zone,
        // The contract knows two kinds: an instant to meet ("fixed") or none yet ("asap"); the basis says which law applies.
        kind: computed.dueAt ? ("fixed" as const) : ("asap" as const),
        basis: computed.basis,
        ...(computed.extendsTo ? { extendsTo: computed.extendsTo.toISOString() } : {}),
      };
    });
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ deadlines }, null, 2)}\n`);
      return 0;
    }
    for (const d of deadlines) {
      const due = d.dueLocal ? `due ${d.dueLocal} (${d.dueAt})` : "no fixed instant";
      io.stdout.write(`${d.rule}: ${due}${d.extendsTo ? `, arguably extends to ${d.extendsTo}` : ""}\n  ${d.basis}\n`);
    }
    return 0;
  });
}

interface ListRow {
  id: string;
  jurisdiction: string;
  regime: string;
  notify: string;
  trigger: string;
  duration: number | null;
  unit: string | null;
  /** The first primary citation (the law itself), as one line. */
  citation: string;
  /** Every citation: the law itself (`primary: true`) first, then the commentary. */
  citations: { title: string; url: string | null; primary: boolean }[];
}

function listRow(rule: Rule): ListRow {
  const d = rule.deadline;
  const span =
    d.kind === "fixed"
      ? { duration: d.amount, unit: d.unit }
      : d.kind === "relative" && d.outerLimit
        ? { duration: d.outerLimit.amount, unit: d.outerLimit.unit }
        : { duration: null, unit: null };
  const first = rule.citations.find((c) => c.primary) ?? rule.citations[0];
  const citation = first ? [first.law, first.section].filter(Boolean).join(" ") + (first.url ? `, ${first.url}` : "") : "";
  const citations = [...rule.citations]
    .sort((a, b) => Number(b.primary === true) - Number(a.primary === true))
    .map((c) => ({ title: c.source, url: c.url, primary: c.primary === true }));
  return {
    id: rule.id,
    jurisdiction: rule.jurisdiction,
    regime: rule.regime,
    notify: rule.notify,
    trigger: rule.trigger.code,
    ...span,
    citation,
    citations,
  };
}

function durationText(row: ListRow): string {
  if (row.duration === null || row.unit === null) return findRule(row.id)?.deadline.kind === "none" ? "none" : "no fixed";
  return `${row.duration} ${row.unit.replace("_", " ")}`;
}

/** Reads --zone and --holidays, adding a message to `problems` for each bad one. */
function parseOverrides(zone: string | undefined, holidays: string | undefined, problems: string[]): DeadlineOptions {
  const options: DeadlineOptions = {};
  if (zone !== undefined) {
    if (isValidZone(zone)) options.zone = zone;
    else problems.push(`--zone "${zone}" is not an IANA time zone (e.g. Australia/Perth, Europe/Berlin).`);
  }
  if (holidays !== undefined) {
    const calendar = holidayCalendarOf(holidays);
    if (calendar) options.holidays = calendar;
    else
      problems.push(
        `--holidays "${holidays}" is not a country or a country and state date-holidays knows (e.g. AU-WA, DE-BE, BR).`,
      );
  }
  return options;
}

/** Reads the --event NAME=INSTANT pairs, adding a message to `problems` for each bad one. */
function parseEvents(pairs: string[], problems: string[]): Map<TriggerCode, Date> {
  const events = new Map<TriggerCode, Date>();
  for (const pair of pairs) {
    const split = pair.indexOf("=");
    const name = split > 0 ? pair.slice(0, split).trim() : "";
    const value = split > 0 ? pair.slice(split + 1).trim() : "";
    if (!name || !value) {
      problems.push(`--event "${pair}" is not NAME=INSTANT (e.g. awareness=2026-03-28T10:00:00+01:00).`);
      continue;
    }
    if (!isTriggerCode(name)) {
      problems.push(`Unknown event "${name}": use a trigger code (${TRIGGER_CODE_LIST.join(", ")}).`);
      continue;
    }
    if (events.has(name)) {
      problems.push(`--event ${name} is given twice.`);
      continue;
    }
    try {
      events.set(name, parseEventInstant(name, value));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // A skipped time's field hint repeats the message with a sample offset that may not be this
      // zone's; the other hints (the two offsets of a repeated time, the accepted forms) help.
      const hints = Object.values(error.fieldErrors).filter((hint) => !hint.includes("does not exist in"));
      problems.push([`--event ${name}=${value}: ${error.message}`, ...hints.map((hint) => `  ${hint}`)].join("\n"));
    }
  }
  return events;
}

function parseEventInstant(name: string, value: string): Date {
  const bracketed = /^(.+)\[([^\]]+)\]$/.exec(value);
  if (bracketed) return parseInstant(bracketed[1] ?? "", bracketed[2] ?? "", `event ${name}`).at;
  // A bare local time would silently take some default zone: demand the offset or the zone.
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
    throw new AppError(
      "validation",
      "Give the offset (2026-03-28T10:00:00+01:00) or the zone in brackets (2026-03-28T10:00[Europe/Berlin]).",
    );
  }
  return parseInstant(value, "UTC", `event ${name}`).at;
}

function withUsageErrors(io: CliIo, run: () => number): number {
  try {
    return run();
  } catch (error) {
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      io.stderr.write(`${error.message}\n\nUsage:\n${deadlinesUsage}\n`);
      return 2;
    }
    throw error;
  }
}
