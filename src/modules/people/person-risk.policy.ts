/**
 * Who is at risk of serious harm: the incident's risk rule, pure. A person's risk follows from
 * the incident's current risk assessment (is serious harm likely?) and their own data
 * categories; an import's at-risk column, a manager's choice for an import's people or for one
 * person overrides it (see riskSetBy on the person). The same words describe the rule on the
 * pages, so what the manager reads is what runs.
 */

/** The current assessment as the rule reads it; null before any assessment. */
export interface RiskRuleBasis {
  assessedAt: Date;
  /** likely | unlikely | unknown */
  seriousHarmLikely: string;
  /** The categories the assessment covered; empty: it named none. */
  categoryIds: string[];
}

/** Who set a person's risk instead of the rule: "" the rule itself. */
export const RISK_SETTERS = ["", "file", "import", "person"] as const;
export type RiskSetter = (typeof RISK_SETTERS)[number];

/** What the people pages say for each setter. */
export const RISK_SETTER_LABELS: Record<RiskSetter, string> = {
  "": "the incident's risk rule",
  file: "the import's at-risk column",
  import: "a manager, for everyone of the import",
  person: "a manager, for this person",
};

/** A setter that a later import's at-risk column does not replace: a manager's choice. */
export function isManagerChoice(setter: string): boolean {
  return setter === "import" || setter === "person";
}

/**
 * A person's risk under the rule: null (not assessed) without an assessment or when it cannot
 * say whether serious harm is likely; false when it says unlikely; when likely, true if the
 * person's data includes a category the assessment covered (all of them when it named none).
 * A person without categories of their own has all of the incident's; when the incident records
 * none either, nothing is known of their data and they count as at risk (the careful answer).
 */
export function riskUnderRule(
  basis: RiskRuleBasis | null,
  personCategoryIds: string[] | null,
  incidentCategoryIds: string[],
): boolean | null {
  if (!basis || basis.seriousHarmLikely === "unknown") return null;
  if (basis.seriousHarmLikely !== "likely") return false;
  if (basis.categoryIds.length === 0) return true;
  const own = personCategoryIds ?? incidentCategoryIds;
  if (personCategoryIds === null && incidentCategoryIds.length === 0) return true;
  const assessed = new Set(basis.categoryIds);
  return own.some((id) => assessed.has(id));
}

/** The rule in words, for the people pages: what sets a person's risk in this incident now. */
export function describeRiskRule(basis: RiskRuleBasis | null, categoryName: (id: string) => string, when: string): string {
  if (!basis) {
    return "Risk is set from the incident's risk assessment, and there is none yet: nobody is at risk unless an import's at-risk column or a manager says so.";
  }
  const from = `Risk is set from the assessment of ${when}`;
  if (basis.seriousHarmLikely === "unknown") {
    return `${from}, which cannot say whether serious harm is likely: risk stays "not assessed" unless an import's at-risk column or a manager says otherwise.`;
  }
  if (basis.seriousHarmLikely !== "likely") {
    return `${from}: serious harm is not likely, so nobody is at risk unless an import's at-risk column or a manager says so.`;
  }
  if (basis.categoryIds.length === 0) {
    return `${from}: serious harm is likely, and it names no data categories, so every affected person is at risk unless an import's at-risk column or a manager says otherwise.`;
  }
  const names = basis.categoryIds.map(categoryName);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
  return `${from}: serious harm is likely, and a person is at risk when their data includes ${list} (a person without categories of their own has all of the incident's). An import's at-risk column or a manager can say otherwise.`;
}

/** A person's categoryIds column (JSON array text, or null: all of the incident's). */
export function parsePersonCategories(text: string | null): string[] | null {
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : null;
  } catch {
    return null;
  }
}
