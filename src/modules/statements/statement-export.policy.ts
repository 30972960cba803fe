// What a statement's exports say (plain text, JSON, and the sections the PDF and printable page
// lay out): the same items, in the law's order, with their citations. Pure.
import type { Rule } from "../deadlines/index.js";
import { displayValue, type MissingItem, type StatementFields } from "./statement-draft.policy.js";
import { formatWhen } from "./statement-record.policy.js";
import { statementFieldsOf } from "./statement-regimes.policy.js";

export interface StatementExport {
  reference: string;
  rule: Pick<Rule, "id" | "regimeCode" | "content" | "citations" | "party" | "obligation" | "regime">;
  id: string;
  version: number;
  savedAt: Date;
  savedBy: string;
  zone: string;
  fields: StatementFields;
  missing: MissingItem[];
  submission: { at: Date; zone: string; how: string; reference: string } | null;
}

/** The statement's sections: each item's label, citation and value as the regulator reads it. */
export function statementSections(s: StatementExport) {
  return statementFieldsOf(s.rule).map((f) => ({
    key: f.key,
    label: f.label,
    citation: f.citation,
    value: displayValue(f, s.fields[f.key] ?? ""),
  }));
}

/** The heading lines: whom it is to, about which incident, which version. */
export function statementHeading(s: StatementExport): string[] {
  return [
    `Statement to ${s.rule.party}`,
    `${s.rule.regime} (${s.rule.id}): ${s.rule.obligation}`,
    `Incident ${s.reference}, version ${s.version}, saved ${formatWhen(s.savedAt, s.zone)} by ${s.savedBy}`,
    s.submission
      ? `Submitted ${formatWhen(s.submission.at, s.submission.zone)} by ${s.submission.how}${s.submission.reference ? `, reference ${s.submission.reference}` : ""}`
      : "Not submitted yet",
  ];
}

/** The statement as plain text, for pasting into a regulator's form or an e-mail. */
export function statementText(s: StatementExport): string {
  const out = [...statementHeading(s), ""];
  for (const section of statementSections(s)) {
    out.push(`${section.label} [${section.citation}]`, section.value || "(not given)", "");
  }
  if (s.missing.length) {
    out.push("Items the law asks for that are missing:");
    for (const m of s.missing) out.push(`- ${m.label} [${m.citation}]: ${m.why}`);
  }
  return `${out.join("\n").trimEnd()}\n`;
}
