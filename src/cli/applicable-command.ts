// `breachdesk applicable --profile FILE.json [--json]`: which rules of the pack apply to an
// organisation at a moment, each "yes", "maybe" or "no" with its reasons in words (decision 0027).
// The JSON shape is a contract for scripts (README).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { AppError } from "../lib/errors.js";
import {
  type ApplicabilityAnswer,
  type ApplicabilityProfile,
  assessRules,
  DATA_ELEMENT_LIST,
  ENTITY_TYPE_LIST,
  isDataElement,
  isEntityType,
  type Rule,
  rulePack,
} from "../modules/deadlines/index.js";
import { suggestForReference } from "../modules/obligations/index.js";
import { loadApplicability, toApplicabilityProfile } from "../modules/organisation/index.js";
import { withCliDeps } from "./cli-deps.js";
import type { CliIo } from "./cli-io.js";

export const applicableUsage = `  breachdesk applicable --profile FILE.json [--json]
      Says for every rule of the pack whether it applies ("yes", "maybe" or "no") and why, from a
      profile: at (ISO 8601 with offset), establishedIn (codes: "AU-NSW", "DE", "US-TX"),
      entityTypes, annualTurnover {amount, currency}, offersToEU, offersToUK, residents (code to
      count), dataElements. A key left out is not known: rules that depend on it answer "maybe".
  breachdesk applicable --stored [--at ISO] [--json]
      The same from the organisation's stored profile (the Organisation page's "who the law
      reaches"), at --at (default now), with no residents or data elements.
  breachdesk applicable --incident REF [--json]
      The same from the stored profile and the incident: its discovery as at, its location,
      the residents of its imported people, its data categories (not encrypted) as data elements.`;

const code = z.string().regex(/^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$/, 'use a jurisdiction code like "AU-NSW", "DE" or "US-TX"');
const profileSchema = z
  .object({
    at: z
      .string({ required_error: "is required: the instant assessed, e.g. 2016-03-24T09:00:00+11:00" })
      .regex(
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i,
        "use ISO 8601 with an offset, e.g. 2016-03-24T09:00:00+11:00",
      )
      .refine((s) => !Number.isNaN(Date.parse(s)), "is not a real instant"),
    establishedIn: z.array(code).optional(),
    entityTypes: z
      .array(
        z
          .string()
          .refine(isEntityType, (t) => ({ message: `unknown entity type "${t}" (known: ${ENTITY_TYPE_LIST.join(", ")})` })),
      )
      .optional(),
    annualTurnover: z
      .object({
        amount: z.number({ required_error: "needs amount (a number)" }).nonnegative(),
        currency: z
          .string({ required_error: 'needs currency, e.g. "AUD"' })
          .regex(/^[A-Za-z]{3}$/, 'use an ISO 4217 code like "AUD"'),
      })
      .strict()
      .optional(),
    offersToEU: z.boolean().optional(),
    offersToUK: z.boolean().optional(),
    residents: z.record(code, z.number().int("use a whole count").nonnegative("use a count of 0 or more")).optional(),
    dataElements: z
      .array(
        z
          .string()
          .refine(isDataElement, (d) => ({ message: `unknown data element "${d}" (known: ${DATA_ELEMENT_LIST.join(", ")})` })),
      )
      .optional(),
  })
  .strict();

/** Reads a profile; throws a list of problems, each naming the key to fix. */
export function parseProfile(raw: unknown): ApplicabilityProfile {
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ProfileError(
      parsed.error.issues.map((issue) => {
        if (issue.code === "unrecognized_keys") return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}`;
        const key = issue.path.join(".") || "the profile";
        return `${key}: ${issue.message}`;
      }),
    );
  }
  const p = parsed.data;
  const upper = (codes: string[]) => codes.map((c) => c.toUpperCase());
  return {
    at: new Date(p.at),
    ...(p.establishedIn ? { establishedIn: upper(p.establishedIn) } : {}),
    ...(p.entityTypes ? { entityTypes: p.entityTypes } : {}),
    ...(p.annualTurnover ? { annualTurnover: { ...p.annualTurnover, currency: p.annualTurnover.currency.toUpperCase() } } : {}),
    ...(p.offersToEU !== undefined ? { offersToEU: p.offersToEU } : {}),
    ...(p.offersToUK !== undefined ? { offersToUK: p.offersToUK } : {}),
    ...(p.residents ? { residents: Object.fromEntries(Object.entries(p.residents).map(([k, n]) => [k.toUpperCase(), n])) } : {}),
    ...(p.dataElements ? { dataElements: p.dataElements } : {}),
  };
}

export class ProfileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ProfileError";
  }
}

type Values = { profile?: string; json?: boolean; stored?: boolean; incident?: string; at?: string };

/**
 * `breachdesk applicable --profile FILE.json | --stored [--at ISO] | --incident REF [--json]`: 0,
 * or 2 naming what to fix. The stored profile and the incident are read from the database.
 */
export async function runApplicableCommand(args: string[], io: CliIo): Promise<number> {
  let values: Values;
  try {
    values = parseArgs({
      args,
      options: {
        profile: { type: "string" },
        json: { type: "boolean" },
        stored: { type: "boolean" },
        incident: { type: "string" },
        at: { type: "string" },
      },
      strict: true,
    }).values;
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\nUsage:\n${applicableUsage}\n`);
    return 2;
  }
  const sources = [values.profile, values.stored, values.incident].filter((v) => v !== undefined && v !== false);
  if (sources.length !== 1) {
    io.stderr.write(`Give one of --profile FILE.json, --stored or --incident REF.\n\nUsage:\n${applicableUsage}\n`);
    return 2;
  }
  if (values.at !== undefined && !values.stored) {
    io.stderr.write("--at goes with --stored (a profile file has its own at; an incident's is its discovery).\n");
    return 2;
  }
  if (!values.profile) return runFromDatabase(values, io);
  let profile: ApplicabilityProfile;
  try {
    const raw: unknown = JSON.parse(readFileSync(values.profile, "utf8"));
    profile = parseProfile(raw);
  } catch (error) {
    const problems =
      error instanceof ProfileError
        ? error.problems
        : [`${values.profile}: ${error instanceof SyntaxError ? `not JSON (${error.message})` : (error as Error).message}`];
    io.stderr.write(`The profile cannot be read:\n${problems.map((p) => `  ${p}`).join("\n")}\n`);
    return 2;
  }
  printAnswers(profile, assessRules(rulePack.rules, profile), values.json === true, io);
  return 0;
}

/** --stored and --incident: the organisation's stored profile, with the incident's facts for --incident. */
async function runFromDatabase(values: Values, io: CliIo): Promise<number> {
  let at: Date | undefined;
  if (values.at !== undefined) {
    const parsed = profileSchema.shape.at.safeParse(values.at);
    if (!parsed.success) {
      io.stderr.write(`--at ${parsed.error.issues[0]?.message ?? "is not an instant"}\n`);
      return 2;
    }
    at = new Date(values.at);
  }
  try {
    return await withCliDeps(io.env, async (deps) => {
      if (values.incident) {
        const list = await suggestForReference(deps, values.incident);
        const answers = list.suggestions.map((s) => ({
          rule: s.rule,
          answer: {
            applies: s.applies,
            reasons: s.reasons,
            informationOnly: s.isInformation,
            alternatives: s.alternatives ?? undefined,
          },
        }));
        printAnswers(list.profile, answers, values.json === true, io);
        return 0;
      }
      const { at: _now, ...organisation } = toApplicabilityProfile(await loadApplicability(deps.db.prisma), deps.clock.now());
      const profile = { ...organisation, at: at ?? deps.clock.now() };
      printAnswers(profile, assessRules(rulePack.rules, profile), values.json === true, io);
      return 0;
    });
  } catch (error) {
    if (error instanceof AppError && (error.code === "not_found" || error.code === "validation")) {
      io.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** The answers in words, or as the JSON contract (README), in the pack's order. */
function printAnswers(
  profile: ApplicabilityProfile,
  answers: { rule: Rule; answer: Omit<ApplicabilityAnswer, "alternatives"> & { alternatives?: string } }[],
  json: boolean,
  io: CliIo,
) {
  const order = new Map(rulePack.rules.map((r, i) => [r.id, i]));
  const sorted = [...answers].sort((a, b) => (order.get(a.rule.id) ?? 0) - (order.get(b.rule.id) ?? 0));
  const rules = sorted.map(({ rule, answer }) => ({
    rule: rule.id,
    applies: answer.applies,
    reasons: answer.reasons,
    ...(answer.alternatives ? { alternatives: answer.alternatives } : {}),
    informationOnly: answer.informationOnly,
  }));
  if (json) {
    io.stdout.write(`${JSON.stringify({ at: profile.at.toISOString(), rulePackVersion: rulePack.version, rules }, null, 2)}\n`);
    return;
  }
  for (const applies of ["yes", "maybe", "no"] as const) {
    const list = rules.filter((r) => r.applies === applies);
    io.stdout.write(`${{ yes: "Applies", maybe: "May apply", no: "Does not apply" }[applies]} (${list.length}):\n`);
    for (const r of list) io.stdout.write(`  ${r.rule}: ${r.reasons.join("; ")}\n`);
  }
}
