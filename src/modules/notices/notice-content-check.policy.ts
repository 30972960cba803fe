/**
 * The content check: for each regime that applies to the incident and requires a notice to
 * individuals (its obligation's copied terms have notify "individuals"), are the items its law
 * requires in that notice present in a version's words?
 *
 * Items of the regimes mapped below are checked automatically against the sections (and
 * contact details). Any other regime's content items, as copied into the obligation's terms, are
 * "check by hand" items: the manager reads the notice and ticks them, and the tick is kept with
 * the version (checkedItems). Pure: the caller loads the obligations and facts.
 */
import type { NoticeWords, SectionKey } from "./notice-content.policy.js";
import { sectionLabels } from "./notice-content.policy.js";
import { verificationCheck } from "./notice-verification-check.policy.js";

export interface ObligationForCheck {
  id: string;
  ruleId: string;
  /** pending | met | not_required | late */
  status: string;
  /** The rule as it was when applied (JSON). */
  terms: string;
}

/** What the check knows of the incident beyond the words. */
export interface ContentFacts {
  /** How many data categories the incident records (each person's notice lists theirs). */
  incidentCategoryCount: number;
  /**
   * The public site (PUBLIC_URL) when one is configured: people can then check a notice at its
   * /verify page, so every notice must carry its verification code (decision 0019). Unset: the
   * app's address is only the default (localhost), which no recipient can reach.
   */
  publicSite?: string;
}

export interface ContentItemCheck {
  /** Stable: "<rule id>:<item id>" for mapped items, "<rule id>|<the law's words>" for items ticked by hand. */
  key: string;
  label: string;
  /** Where the law says so. */
  basis: string;
  kind: "automatic" | "by_hand";
  isMet: boolean;
  /** What to do when it is not met. */
  fix: string;
  /** The sections that carry it, for the editor's links. */
  sections: SectionKey[];
}

export interface RegimeContentCheck {
  obligationId: string;
  ruleId: string;
  regimeCode: string;
  /** The regime's name, from the copied terms. */
  regime: string;
  /** Who is to be notified, from the copied terms. */
  party: string;
  items: ContentItemCheck[];
  /** Said when the law lists no particular content. */
  note: string;
}

interface Requirement {
  id: string;
  label: string;
  basis: string;
  sections: SectionKey[];
  /** Empty when met; otherwise what to fix. */
  check(words: NoticeWords, facts: ContentFacts): string;
}

const filled = (text: string) => text.trim() !== "";
const EMAIL_IN_TEXT = /[^\s@<>()]+@[^\s@<>()]+\.[a-z]{2,}/i;
const PHONE_IN_TEXT = /\+?\d[\d ()./-]{5,}\d/;
const CONTACT_PLACEHOLDER = /\{\{\s*contact_(email|phone)\s*\}\}/i;

/** A way to reach the organisation: the contact fields, or an address or number written in "Who we are". */
function hasContact(words: NoticeWords): boolean {
  const { details, sections } = words;
  if (filled(details.contactEmail) || filled(details.contactPhone)) return true;
  return (
    EMAIL_IN_TEXT.test(sections.whoWeAre) || PHONE_IN_TEXT.test(sections.whoWeAre) || CONTACT_PLACEHOLDER.test(sections.whoWeAre)
  );
}

const section = (key: SectionKey) => `"${sectionLabels[key]}"`;

const contactFix = `Give a contact e-mail address or phone number (the contact fields, or written in ${section("whoWeAre")}).`;

/** Privacy Act 1988 (Cth) s 26WK(3): the statement's contents, which s 26WL(2) has the entity give the individuals. */
const AU_NDB: Requirement[] = [
  {
    id: "identity_contact",
    label: "The identity and contact details of the entity",
    basis: "Privacy Act 1988 (Cth) s 26WK(3)(a), applied by s 26WL(2)",
    sections: ["whoWeAre"],
    check: (w) => {
      if (!filled(w.details.organisation) && !filled(w.sections.whoWeAre)) {
        return `Name your organisation (the Organisation field, or in ${section("whoWeAre")}).`;
      }
      return hasContact(w) ? "" : contactFix;
    },
  },
  {
    id: "description",
    label: "A description of the eligible data breach",
    basis: "Privacy Act 1988 (Cth) s 26WK(3)(b)",
    sections: ["whatHappened"],
    check: (w) => (filled(w.sections.whatHappened) ? "" : `Describe the breach in ${section("whatHappened")}.`),
  },
  {
    id: "kinds_of_information",
    label: "The kinds of information concerned",
    basis: "Privacy Act 1988 (Cth) s 26WK(3)(c)",
    sections: ["whatInformation"],
    check: (w, f) =>
      f.incidentCategoryCount > 0 || filled(w.sections.whatInformation)
        ? ""
        : `Record the incident's data categories (each notice lists the person's), or say what was concerned in ${section("whatInformation")}.`,
  },
  {
    id: "recommended_steps",
    label: "Recommendations about the steps individuals should take",
    basis: "Privacy Act 1988 (Cth) s 26WK(3)(d)",
    sections: ["whatYouShouldDo"],
    check: (w) => (filled(w.sections.whatYouShouldDo) ? "" : `Recommend steps in ${section("whatYouShouldDo")}.`),
  },
];

/** GDPR Art. 34(2), with the items of Art. 33(3)(b) to (d) it refers to; the UK GDPR's article is the same. */
const GDPR_34: Requirement[] = [
  {
    id: "nature",
    label: "The nature of the personal data breach, in clear and plain language",
    basis: "GDPR Art. 34(2)",
    sections: ["whatHappened"],
    check: (w) => (filled(w.sections.whatHappened) ? "" : `Describe what happened in ${section("whatHappened")}.`),
  },
  {
    id: "contact_point",
    label: "The name and contact details of the data protection officer or other contact point",
    basis: "GDPR Art. 34(2), Art. 33(3)(b)",
    sections: ["whoWeAre"],
    check: (w) => (hasContact(w) ? "" : contactFix),
  },
  {
    id: "likely_consequences",
    label: "The likely consequences of the breach",
    basis: "GDPR Art. 34(2), Art. 33(3)(c)",
    sections: ["whatInformation"],
    check: (w) =>
      filled(w.sections.whatInformation)
        ? ""
        : `Say what could follow for the person (phishing, fraud, ...) in ${section("whatInformation")}: the list of their data alone does not.`,
  },
  {
    id: "measures",
    label: "The measures taken or proposed to address the breach and mitigate its effects",
    basis: "GDPR Art. 34(2), Art. 33(3)(d)",
    sections: ["whatWeHaveDone"],
    check: (w) =>
      filled(w.sections.whatWeHaveDone) ? "" : `Say what you have done and will do in ${section("whatWeHaveDone")}.`,
  },
];

/** The regimes whose notice content is checked automatically. */
export const mappedRegimes: Record<string, Requirement[]> = {
  "AU-NDB": AU_NDB,
  "EU-GDPR": GDPR_34,
  "GB-UKGDPR": GDPR_34,
};

interface TermsView {
  regimeCode: string;
  regime: string;
  party: string;
  notify: string;
  content: string[];
}

function readTerms(json: string): TermsView | null {
  try {
    const t = JSON.parse(json) as Record<string, unknown>;
    return {
      regimeCode: String(t.regimeCode ?? ""),
      regime: String(t.regime ?? ""),
      party: String(t.party ?? ""),
      notify: String(t.notify ?? ""),
      content: Array.isArray(t.content) ? t.content.map(String).filter((c) => c.trim() !== "") : [],
    };
  } catch {
    return null;
  }
}

/** The obligations whose notice goes to individuals and that still count (not marked "not required"). */
function individualObligations(obligations: ObligationForCheck[]) {
  return obligations.flatMap((o) => {
    const terms = o.status === "not_required" ? null : readTerms(o.terms);
    return terms && terms.notify === "individuals" ? [{ obligation: o, terms }] : [];
  });
}

/** The key of a content item the manager ticks by hand. */
export function byHandKey(ruleId: string, item: string): string {
  return `${ruleId}|${item}`;
}

/**
 * Checks a version's words against every applying regime's required content, and, with a public
 * site, for its verification code.
 */
export function checkNoticeContent(
  words: NoticeWords,
  obligations: ObligationForCheck[],
  facts: ContentFacts,
): RegimeContentCheck[] {
  const ticked = new Set(words.checkedItems);
  const verification = facts.publicSite ? [verificationCheck(words, facts.publicSite)] : [];
  const regimes = individualObligations(obligations).map(({ obligation, terms }): RegimeContentCheck => {
    const mapped = mappedRegimes[terms.regimeCode];
    const items: ContentItemCheck[] = mapped
      ? mapped.map((r) => {
          const fix = r.check(words, facts);
          return {
            key: `${obligation.ruleId}:${r.id}`,
            label: r.label,
            basis: r.basis,
            kind: "automatic",
            isMet: fix === "",
            fix,
            sections: r.sections,
          };
        })
      : terms.content.map((item) => ({
          key: byHandKey(obligation.ruleId, item),
          label: item,
          basis: obligation.ruleId,
          kind: "by_hand",
          isMet: ticked.has(byHandKey(obligation.ruleId, item)),
          fix: "Read the notice and tick this item when it says it.",
          sections: [],
        }));
    const note =
      items.length === 0 ? "The law, as recorded, lists no particular content for this notice: read the notice against it." : "";
    return {
      obligationId: obligation.id,
      ruleId: obligation.ruleId,
      regimeCode: terms.regimeCode,
      regime: terms.regime,
      party: terms.party,
      items,
      note,
    };
  });
  return [...regimes, ...verification];
}

/** The keys a manager may tick on a version: the by-hand items of the applying regimes. */
export function byHandKeys(obligations: ObligationForCheck[]): Set<string> {
  const keys = new Set<string>();
  for (const { obligation, terms } of individualObligations(obligations)) {
    if (mappedRegimes[terms.regimeCode]) continue;
    for (const item of terms.content) keys.add(byHandKey(obligation.ruleId, item));
  }
  return keys;
}
