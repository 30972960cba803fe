import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import type { Deps } from "../deps.js";
import { AppError } from "../lib/errors.js";
import { findIncident } from "../modules/incidents/index.js";
import { formatShare, loadIncidentCoverage, recordLettersFile } from "../modules/ledger/index.js";
import { withCliDeps } from "./cli-deps.js";
import type { CliIo } from "./cli-io.js";

export const coverageUsage = `  breachdesk coverage --incident REF [--at-risk] [--places AU,AU-NSW] [--json]
      Prints the coverage of the incident's affected people: told (e-mail delivered or another
      way) of everyone affected, rejected import rows neither imported nor dismissed included,
      so it is complete only when nobody waits. --at-risk and --places count only those people
      (the rejected rows always count). --json prints one JSON object. Exit status 0 when
      complete, 3 when not (so a script can wait on it), 2 when it could not be read.
  breachdesk told --incident REF FILE [--channel letter] [--told-at "2026-03-05 14:00"] [--note TEXT] [--json]
      Records a CSV file of letters sent (or calls made): a line per person, named by a column
      person_id, delivery_id, external_id or email; channel, told_at (in the incident's zone)
      and note columns where given, the options for lines without them. Nothing is recorded
      while a line has an error: each is printed with its line number (exit status 2). Lines
      for people already recorded are reported and left alone. Audited by "cli".`;

const cli = { userId: null, label: "cli", ip: null };

async function incidentNamed(deps: Deps, reference: string | undefined) {
  if (!reference) throw new AppError("validation", "Missing --incident REF (e.g. BD-2026-0001).");
  const incident = await findIncident(deps.db.prisma, reference);
  if (!incident) throw new AppError("not_found", `No incident has the reference ${reference}.`);
  return incident;
}

/** `breachdesk coverage`: the coverage of an incident's affected people, in words or as JSON. */
export async function runCoverageCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      incident: { type: "string" },
      "at-risk": { type: "boolean" },
      places: { type: "string" },
      json: { type: "boolean" },
    },
    strict: true,
  });
  const places = (values.places ?? "")
    .split(",")
    .map((p) => p.trim().toUpperCase())
    .filter(Boolean);
  return withCliDeps(io.env, async (deps) => {
    const incident = await incidentNamed(deps, values.incident);
    const scope = { atRiskOnly: values["at-risk"] === true, places };
    const c = await loadIncidentCoverage(deps.db.prisma, incident.id, scope);
    const text = formatShare(c.share, c.isComplete);
    if (values.json) io.stdout.write(`${JSON.stringify({ reference: incident.reference, ...c, text, scope })}\n`);
    else {
      io.stdout.write(
        [
          `${incident.reference}: coverage ${text}, ${c.told} of ${c.affected} affected people told${c.isComplete ? " (complete)" : ""}.`,
          `  by e-mail ${c.byEmail}, another way ${c.anotherWay}`,
          `  not yet told: ${c.toTellAnotherWay} to tell another way, ${c.beingSent} being sent, ${c.notYetAddressed} not addressed, ${c.notImported} rejected rows not imported`,
        ].join("\n") + "\n",
      );
    }
    return c.isComplete ? 0 : 3;
  });
}

/** `breachdesk told`: records a CSV file of letters sent, all lines or none. */
export async function runToldCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      incident: { type: "string" },
      channel: { type: "string" },
      "told-at": { type: "string" },
      note: { type: "string" },
      json: { type: "boolean" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new AppError("validation", "Give exactly one FILE: the CSV of letters sent.");
  const path = positionals[0]!;
  const bytes = await readFile(path).catch(() => {
    throw new AppError("not_found", `Cannot read ${path}.`);
  });
  return withCliDeps(io.env, async (deps) => {
    const incident = await incidentNamed(deps, values.incident);
    const defaults = { channel: values.channel, toldAt: values["told-at"], note: values.note };
    const outcome = await recordLettersFile(
      deps,
      incident,
      { fileName: basename(path), bytes, isTooLarge: false },
      defaults,
      cli,
    );
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ reference: incident.reference, ...outcome })}\n`);
    }
    if (outcome.errors.length) {
      io.stderr.write(
        [
          `Nothing was recorded: ${outcome.errors.length} of ${outcome.lines} lines of ${outcome.fileName} cannot be used.`,
          ...outcome.errors.map((e) => `  line ${e.line}: ${e.messages.join(" ")}`),
        ].join("\n") + "\n",
      );
      return 2;
    }
    io.stderr.write(
      [
        `${incident.reference}: ${outcome.recorded} people recorded as told another way from ${outcome.fileName}.`,
        ...outcome.already.map((a) => `  line ${a.line}: already recorded (told ${a.toldAt.toISOString()}), left alone`),
      ].join("\n") + "\n",
    );
    return 0;
  });
}
