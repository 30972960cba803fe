/**
 * One source for the statement to a regulator and the notice to people (issue 14, item 2). The
 * Australian scheme requires it (Privacy Act s 26WL(3): the notice to individuals carries the
 * contents of the s 26WK statement); GDPR asks the same facts of Art. 33(3) and Art. 34(2).
 *
 * - A notice version can start from a statement: its description, kinds of information,
 *   recommended steps and contact details carried over, the data categories named in the version's
 *   own words where it has them (notice-category-words.policy.ts).
 * - Before a campaign starts, each version it will send is compared with each submitted statement:
 *   the kinds of information, the recommended steps and the contact must agree.
 *
 * What a notice "names" is what its reader reads as a list: the "- " items of its sections, and
 * the incident's data categories with their advice, which every notice lists below "What
 * information" (the layout adds them). Prose around a list explains it and is not compared. A
 * statement's kinds and steps are one per line. A kind is compared by its name (the words before
 * a colon), a step by its words; a data category's name or advice counts as the category in
 * any of its wordings (the catalogue's English or the version's). Pure.
 */
import { type CatalogueFact, wordCategory } from "./notice-category-words.policy.js";
import type { CategoryWords, NoticeContent, NoticeWords } from "./notice-content.policy.js";

/** A version of a regulator statement as the notices read it (the statements module passes it in). */
export interface StatementWords {
  statementId: string;
  ruleId: string;
  /** Who it is addressed to, e.g. "Australian Information Commissioner". */
  party: string;
  version: number;
  submittedAt: Date | null;
  description: string;
  kindsOfInformation: string;
  recommendedSteps: string;
  /** The contact details the statement gives (its contact point, else the entity's details). */
  contact: string;
}

/** Differences stop an Australian campaign (s 26WL(3)); elsewhere they are a warning. */
export type Severity = "refusal" | "warning";

export const statementSeverityOf = (ruleId: string): Severity => (ruleId.startsWith("AU-NDB-") ? "refusal" : "warning");

export type ComparedKey = "kinds" | "steps" | "contact";

export const comparedLabels: Record<ComparedKey, string> = {
  kinds: "Kinds of information",
  steps: "Recommended steps",
  contact: "Contact",
};

/** One of the three things compared, side by side. */
export interface ComparedItem {
  key: ComparedKey;
  label: string;
  statement: string[];
  notice: string[];
  onlyInStatement: string[];
  onlyInNotice: string[];
}

export interface StatementComparison {
  isAgreed: boolean;
  items: ComparedItem[];
  /** One sentence per item that differs, naming what differs. */
  differences: string[];
}

interface Keyed {
  key: string;
  text: string;
}

const BULLET = /^\s*(?:[-*•]|\d+[.)])\s+/;

/** Lowercase, one space, no bullet, no closing punctuation: what two wordings must share to be the same. */
export function normaliseItem(text: string): string {
  return text
    .replace(BULLET, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[.;:,!]+$/, "")
    .toLowerCase();
}

/** The non-empty lines of a statement's item, without their bullets. */
function statementLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(BULLET, "").trim())
    .filter(Boolean);
}

/** The "- " items of a notice's section (prose lines are not items). */
function listItems(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((l) => /^\s*[-*•]\s+/.test(l))
    .map((l) => l.replace(BULLET, "").trim())
    .filter(Boolean);
}

/** The name of a kind: the words before a colon ("Passwords: hashed" is "Passwords"). */
const kindName = (item: string) => item.split(":")[0]!.trim();

/** The words a category goes by: the catalogue's and, where given, the version's. */
function wordingsOf(c: CatalogueFact, words: Record<string, CategoryWords> | undefined, part: "name" | "advice"): Set<string> {
  const own = words && Object.hasOwn(words, c.id) ? words[c.id]![part] : "";
  return new Set([normaliseItem(c[part]), normaliseItem(own)].filter(Boolean));
}

function kindKey(item: string, categories: readonly CatalogueFact[], words?: Record<string, CategoryWords>): Keyed {
  const name = normaliseItem(kindName(item));
  const category = categories.find((c) => wordingsOf(c, words, "name").has(name));
  return { key: category ? `category:${category.id}` : name, text: item };
}

function stepKey(item: string, categories: readonly CatalogueFact[], words?: Record<string, CategoryWords>): Keyed {
  const step = normaliseItem(item);
  const category = categories.find((c) => wordingsOf(c, words, "advice").has(step));
  return { key: category ? `advice:${category.id}` : step, text: item };
}

const EMAIL = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[^\s@<>()"',;:.]+/g;
const PHONE_LINE = /^(?:phone|telephone|tel|ph)\b\.?\s*:?\s*(.+)$/i;

/** The e-mail addresses and phone numbers a statement's contact text gives. */
export function contactOf(text: string): { emails: string[]; phones: string[]; name: string } {
  const lines = statementLines(text);
  const emails = [...new Set((text.match(EMAIL) ?? []).map((e) => e.toLowerCase()))];
  const phones = lines.flatMap((l) => {
    const m = PHONE_LINE.exec(l);
    return m ? [m[1]!.trim()] : [];
  });
  const first = lines[0] ?? "";
  const name = /@|^(e-?mail|phone|tel|website|web)\b/i.test(first) ? "" : first;
  return { emails, phones, name };
}

const digits = (phone: string) => phone.replace(/\D/g, "");
/** Two numbers are the same when their digits are, or their last eight (a country code written or not). */
function isSamePhone(a: string, b: string): boolean {
  const x = digits(a);
  const y = digits(b);
  return x === y || (x.length >= 8 && y.length >= 8 && x.slice(-8) === y.slice(-8));
}

function compareSets(key: ComparedKey, statement: Keyed[], notice: Keyed[]): ComparedItem {
  const inNotice = new Set(notice.map((k) => k.key));
  const inStatement = new Set(statement.map((k) => k.key));
  const unique = (items: Keyed[]) => [...new Map(items.map((k) => [k.key, k.text])).values()];
  return {
    key,
    label: comparedLabels[key],
    statement: unique(statement),
    notice: unique(notice),
    onlyInStatement: unique(statement.filter((k) => !inNotice.has(k.key))),
    onlyInNotice: unique(notice.filter((k) => !inStatement.has(k.key))),
  };
}

/**
 * The contact: every e-mail address and phone number the statement gives must be the notice's
 * (the people are told to write where the regulator was told). A statement that gives none asks
 * nothing of the notice.
 */
function compareContact(statement: StatementWords, notice: NoticeWords): ComparedItem {
  const given = contactOf(statement.contact);
  const email = notice.details.contactEmail.trim();
  const phone = notice.details.contactPhone.trim();
  const onlyInStatement: string[] = [];
  const onlyInNotice: string[] = [];
  if (given.emails.length && !given.emails.includes(email.toLowerCase())) {
    onlyInStatement.push(...given.emails);
    if (email) onlyInNotice.push(email);
  }
  if (given.phones.length && !given.phones.some((p) => isSamePhone(p, phone))) {
    onlyInStatement.push(...given.phones);
    if (phone) onlyInNotice.push(phone);
  }
  const noticeLines = [notice.details.organisation, email, phone].map((s) => s.trim()).filter(Boolean);
  return {
    key: "contact",
    label: comparedLabels.contact,
    statement: statementLines(statement.contact),
    notice: noticeLines,
    onlyInStatement,
    onlyInNotice,
  };
}

const quoteList = (items: string[]) => items.map((i) => `“${i}”`).join(", ");

function sentenceOf(item: ComparedItem): string {
  const parts: string[] = [];
  if (item.onlyInStatement.length)
    parts.push(`the statement gives ${quoteList(item.onlyInStatement)}, which the notice does not`);
  if (item.onlyInNotice.length) parts.push(`the notice gives ${quoteList(item.onlyInNotice)}, which the statement does not`);
  return `${item.label}: ${parts.join("; ")}.`;
}

/**
 * Compares a notice version with a statement: the kinds of information, the recommended steps
 * and the contact, each side by side with what only one of them gives. `categories` are the
 * incident's data categories (catalogue rows), which every notice lists with their advice.
 */
export function compareWithStatement(
  notice: NoticeWords,
  statement: StatementWords,
  categories: readonly CatalogueFact[],
): StatementComparison {
  const words = notice.categoryWords;
  const listed = categories.map((c) => wordCategory(c, words));
  const kinds = compareSets(
    "kinds",
    statementLines(statement.kindsOfInformation).map((l) => kindKey(l, categories)),
    [
      ...listed.map((c) => ({ key: `category:${c.id}`, text: c.name })),
      ...listItems(notice.sections.whatInformation).map((l) => kindKey(l, categories, words)),
    ],
  );
  const steps = compareSets(
    "steps",
    statementLines(statement.recommendedSteps).map((l) => stepKey(l, categories)),
    [
      ...listed.filter((c) => c.advice).map((c) => ({ key: `advice:${c.id}`, text: c.advice })),
      ...listItems(notice.sections.whatYouShouldDo).map((l) => stepKey(l, categories, words)),
    ],
  );
  const items = [kinds, steps, compareContact(statement, notice)];
  const differing = items.filter((i) => i.onlyInStatement.length || i.onlyInNotice.length);
  return { isAgreed: differing.length === 0, items, differences: differing.map(sentenceOf) };
}

/** A statement line in the version's words: a category's catalogue name or advice replaced by the version's. */
function inVersionWords(line: string, categories: readonly CatalogueFact[], words: Record<string, CategoryWords> | undefined) {
  const text = line.replace(BULLET, "").trim();
  for (const c of categories) {
    const own = words && Object.hasOwn(words, c.id) ? words[c.id]! : undefined;
    if (own?.advice && normaliseItem(text) === normaliseItem(c.advice)) return own.advice;
    const name = kindName(text);
    if (own?.name && normaliseItem(name) === normaliseItem(c.name)) return own.name + text.slice(name.length);
  }
  return text;
}

const asList = (lines: string[]) => lines.map((l) => `- ${l}`).join("\n");

/**
 * A version's words started from a statement: "What happened" from its description, "What
 * information" from its kinds (those that say more than a category's name, which every notice
 * lists anyway), "What you should do" from its steps and the contact details from its contact;
 * each only when the statement gives it, in the version's words for the data categories. The
 * other sections, the headings, the ticks and the category words stay as they were.
 */
export function startFromStatement(
  content: NoticeContent,
  statement: StatementWords,
  categories: readonly CatalogueFact[],
): NoticeContent {
  const words = content.categoryWords;
  const sections = { ...content.sections };
  const details = { ...content.details };
  if (statement.description.trim()) sections.whatHappened = statement.description.trim();
  const bareNames = new Set(categories.map((c) => normaliseItem(c.name)));
  const kinds = statementLines(statement.kindsOfInformation).filter((l) => !bareNames.has(normaliseItem(l)));
  if (kinds.length) sections.whatInformation = asList(kinds.map((l) => inVersionWords(l, categories, words)));
  const steps = statementLines(statement.recommendedSteps);
  if (steps.length) sections.whatYouShouldDo = asList(steps.map((l) => inVersionWords(l, categories, words)));
  const contact = contactOf(statement.contact);
  if (contact.name) details.organisation = contact.name;
  if (contact.emails[0]) details.contactEmail = contact.emails[0];
  if (contact.phones[0]) details.contactPhone = contact.phones[0];
  return { ...content, sections, details };
}

/** The statement a notice starts from: the newest submitted, else the newest saved. */
export function preferredStatement<T extends { newest: StatementWords; submitted: StatementWords | null }>(
  statements: readonly T[],
): StatementWords | null {
  const submitted = statements
    .flatMap((s) => (s.submitted ? [s.submitted] : []))
    .sort((a, b) => b.submittedAt!.getTime() - a.submittedAt!.getTime());
  return submitted[0] ?? statements.at(-1)?.newest ?? null;
}
