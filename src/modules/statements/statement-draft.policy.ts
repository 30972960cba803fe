// Drafting a statement from the record and checking it for the items the law asks (named when
// missing, as the notice content check names a notice's). Pure.
import type { Rule } from "../deadlines/index.js";
import { isLate, type StatementRecord } from "./statement-record.policy.js";
import { type StatementField, statementFieldsOf, statementKindOf } from "./statement-regimes.policy.js";

export type StatementFields = Record<string, string>;
type StatementRule = Pick<Rule, "id" | "regimeCode" | "content" | "citations">;

/** An item the law asks for that the statement leaves empty, or fills with a value it cannot take. */
export interface MissingItem {
  key: string;
  label: string;
  citation: string;
  why: string;
}

/**
 * The first draft of a rule's statement: each item drafted from the record, except the items of
 * an earlier linked report (NIS2's early warning for its notification), which are carried over as
 * the manager left them.
 */
export function draftStatement(rule: StatementRule, record: StatementRecord, carried: StatementFields = {}): StatementFields {
  const fields: StatementFields = {};
  for (const f of statementFieldsOf(rule)) {
    fields[f.key] = (carried[f.key] ?? "").trim() || f.draft(record).trim();
  }
  return fields;
}

/** A chosen value's problem, when it is not one of the item's choices. */
function choiceProblem(f: StatementField, value: string): string | null {
  if (!f.choices || !value) return null;
  const allowed = new Set(f.choices.map((c) => c.value));
  const values = f.isMulti
    ? value
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean)
    : [value];
  const bad = values.filter((v) => !allowed.has(v));
  return bad.length ? `${bad.join(", ")} is not one of the choices.` : null;
}

/**
 * Whether an item is asked for in this statement. GDPR: the reasons for delay only when it goes
 * after the deadline (Art. 33(1)); what is still unknown in an initial or follow-up report, which
 * Art. 33(4) lets give the information in phases.
 */
function isAsked(
  rule: StatementRule,
  f: StatementField,
  fields: StatementFields,
  record: Pick<StatementRecord, "dueAt" | "now">,
): boolean {
  if (statementKindOf(rule) === "gdpr") {
    if (f.key === "lateReasons") return isLate(record as StatementRecord);
    if (f.key === "stillUnknown") return (fields.phase ?? "") !== "complete";
  }
  return f.isRequired;
}

/** The items the law asks for that are empty or not one of their choices, in the statement's order. */
export function missingItems(
  rule: StatementRule,
  fields: StatementFields,
  record: Pick<StatementRecord, "dueAt" | "now">,
): MissingItem[] {
  const missing: MissingItem[] = [];
  for (const f of statementFieldsOf(rule)) {
    const value = (fields[f.key] ?? "").trim();
    const problem = choiceProblem(f, value);
    if (problem) missing.push({ key: f.key, label: f.label, citation: f.citation, why: problem });
    else if (!value && isAsked(rule, f, fields, record)) {
      const why =
        f.key === "lateReasons"
          ? "The statement goes after the 72 hours: say why."
          : f.key === "stillUnknown"
            ? "A report given in phases says what is not known yet (or mark it the complete report)."
            : f.citation.startsWith("OAIC")
              ? "The OAIC's form asks for it."
              : "The law asks for it.";
      missing.push({ key: f.key, label: f.label, citation: f.citation, why });
    }
  }
  return missing;
}

/**
 * The edited fields kept: only the rule's items, trimmed, each at most 20,000 characters. An item
 * not sent keeps its current value (the form sends every item; a multiple choice sends an empty
 * value first, so unticking every box clears it).
 */
export function keepFields(rule: StatementRule, input: Record<string, unknown>, current: StatementFields = {}): StatementFields {
  const fields: StatementFields = {};
  for (const f of statementFieldsOf(rule)) {
    const raw = input[f.key];
    const value = Array.isArray(raw)
      ? raw
          .map((v) => String(v).trim())
          .filter(Boolean)
          .join(", ")
      : typeof raw === "string"
        ? raw
        : (current[f.key] ?? "");
    fields[f.key] = value.replace(/\r\n/g, "\n").trim().slice(0, 20_000);
  }
  return fields;
}

/** The label of a chosen value (or values), for the exports; the value itself when it is free text. */
export function displayValue(f: StatementField, value: string): string {
  if (!f.choices || !value) return value;
  const labelOf = (v: string) => f.choices?.find((c) => c.value === v)?.label ?? v;
  return f.isMulti
    ? value
        .split(",")
        .map((v) => labelOf(v.trim()))
        .join("; ")
    : labelOf(value);
}
