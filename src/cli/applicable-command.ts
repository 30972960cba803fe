// `breachdesk applicable --profile FILE.json [--json]`: which rules of the pack apply to an
// organisation at a moment, each "yes", "maybe" or "no" with its reasons in words (decision 0027).
// The JSON shape is a contract for scripts (README).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import {
  type ApplicabilityProfile,
  assessRules,
  DATA_ELEMENT_LIST,
  ENTITY_TYPE_LIST,
  isDataElement,
  isEntityType,
  rulePack,
} from "../modules/deadlines/index.js";
import type { CommandOutput } from "./deadlines-command.js";

export const applicableUsage = `  breachdesk applicable --profile FILE.json [--json]
      Says for every rule of the pack whether it applies ("yes", "maybe" or "no") and why, from a
      profile: at (ISO 8601 with offset), establishedIn (codes: "AU-NSW", "DE", "US-TX"),
      entityTypes, annualTurnover {amount, currency}, offersToEU, offersToUK, residents (code to
      count), dataElements. A key left out is not known: rules that depend on it answer "maybe".`;

const processOutput: CommandOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

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

/** `breachdesk applicable --profile FILE.json [--json]`: 0, or 2 naming what to fix. */
export function runApplicableCommand(args: string[], io: CommandOutput = processOutput): number {
  let values: { profile?: string; json?: boolean };
  try {
    values = parseArgs({ args, options: { profile: { type: "string" }, json: { type: "boolean" } }, strict: true }).values;
  } catch (error) {
    io.err(`${(error as Error).message}\n\nUsage:\n${applicableUsage}\n`);
    return 2;
  }
  if (!values.profile) {
    io.err(`Missing --profile FILE.json.\n\nUsage:\n${applicableUsage}\n`);
    return 2;
  }
  let profile: ApplicabilityProfile;
  try {
    const raw: unknown = JSON.parse(readFileSync(values.profile, "utf8"));
    profile = parseProfile(raw);
  } catch (error) {
    const problems =
      error instanceof ProfileError
        ? error.problems
        : [`${values.profile}: ${error instanceof SyntaxError ? `not JSON (${error.message})` : (error as Error).message}`];
    io.err(`The profile cannot be read:\n${problems.map((p) => `  ${p}`).join("\n")}\n`);
    return 2;
  }
  const rules = assessRules(rulePack.rules, profile).map(({ rule, answer }) => ({
    rule: rule.id,
    applies: answer.applies,
    reasons: answer.reasons,
    ...(answer.alternatives ? { alternatives: answer.alternatives } : {}),
    informationOnly: answer.informationOnly,
  }));
  if (values.json) {
    io.out(`${JSON.stringify({ at: profile.at.toISOString(), rulePackVersion: rulePack.version, rules }, null, 2)}\n`);
    return 0;
  }
  for (const applies of ["yes", "maybe", "no"] as const) {
    const list = rules.filter((r) => r.applies === applies);
    io.out(`${{ yes: "Applies", maybe: "May apply", no: "Does not apply" }[applies]} (${list.length}):\n`);
    for (const r of list) io.out(`  ${r.rule}: ${r.reasons.join("; ")}\n`);
  }
  return 0;
}
