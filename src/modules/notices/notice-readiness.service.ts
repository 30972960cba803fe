/**
 * Is a notice ready to send? The content check of every pinned version against the regimes
 * that apply, and the render check over every recipient of an audience.
 *
 * The render check streams the audience in keyset pages (unique-key order), holding one page at a time,
 * so it works for a million people; it reports counts per problem and names the first 100
 * people whose notice would be broken. A person without an e-mail address is not broken (they
 * are told through another channel); a placeholder with no value for them, or no data
 * categories, is.
 *
 * Warnings are said but do not make a notice unready (nor refuse a campaign's start): a version
 * in another language than English that names some of the incident's data categories in the
 * catalogue's English still tells people what they need to know.
 */
import type { DbOrTx } from "../../db/client.js";
import type { Prisma } from "../../generated/sqlite/client.js";
import { categoriesInEnglish, categoryWordsWarning, incidentCategories } from "./notice-category-words.policy.js";
import { parseContent } from "./notice-content.policy.js";
import { checkNoticeContent, type RegimeContentCheck } from "./notice-content-check.policy.js";
import { loadNoticeRenderer, toNoticeRecipient } from "./notice-render.service.js";
import { listNoticePeoplePage, listObligationTerms, listVersionsByIds, loadCategoryFacts } from "./notices.repository.js";

/** A required item missing from a version's words. */
export interface ContentGap {
  versionId: string;
  language: string;
  ruleId: string;
  regimeCode: string;
  /** The item the law requires, e.g. "A description of the eligible data breach". */
  item: string;
  /** automatic: checked against the sections and failed; by_hand: not yet ticked by the manager. */
  kind: "automatic" | "by_hand";
  /** What to do about it. */
  fix: string;
}

/** Something to look at in a version that does not stop it being sent. */
export interface ReadinessWarning {
  versionId: string;
  language: string;
  /** english_categories: data categories named and advised in the catalogue's English. */
  kind: "english_categories";
  /** The catalogue's names of what it is about. */
  items: string[];
  message: string;
}

/** One person whose notice would be broken. */
export interface BrokenNotice {
  personId: string;
  name: string;
  email: string | null;
  /** The version's language their notice would be in. */
  language: string;
  problems: string[];
}

export interface RenderCheck {
  /** People of the audience checked (all of them). */
  checked: number;
  /** How many of them have at least one problem. */
  broken: number;
  /** How many people have each problem, most frequent first. */
  problemCounts: { problem: string; count: number }[];
  /** The first broken notices in unique-key order, at most FIRST_BROKEN_LIMIT. */
  firstBroken: BrokenNotice[];
}

export interface NoticeReadiness {
  /** True when there is no content gap and no broken notice; warnings do not count. */
  isReady: boolean;
  contentGaps: ContentGap[];
  /** What to look at that does not block sending, per version. */
  warnings: ReadinessWarning[];
  renderProblems: RenderCheck;
  /** The full content check per version, for pages that show what is present too. */
  contentChecks: { versionId: string; language: string; checks: RegimeContentCheck[] }[];
}

export interface ReadinessOptions {
  incidentId: string;
  /** Language -> version id: what latestVersionIds returns and a campaign pins. */
  versionIds: Record<string, string>;
  /** Narrows the audience to a segment (the incident's people by default); ANDed with the incident. */
  audienceWhere?: Prisma.PersonWhereInput;
  /** People read per page; the default suits both databases. */
  pageSize?: number;
  /** PUBLIC_URL when configured: the notice must then carry its verification code (notice-content-check.policy.ts). */
  publicSite?: string;
}

export const FIRST_BROKEN_LIMIT = 100;
const PAGE_SIZE = 2000;

/** The content check of each pinned version, with the gaps flattened, and the versions' warnings. */
export async function checkVersionsContent(
  db: DbOrTx,
  incidentId: string,
  versionIds: Record<string, string>,
  publicSite?: string,
) {
  const ids = [...new Set(Object.values(versionIds))];
  const [versions, obligations, categories] = await Promise.all([
    listVersionsByIds(db, incidentId, ids),
    listObligationTerms(db, incidentId),
    loadCategoryFacts(db, incidentId),
  ]);
  const facts = { incidentCategoryCount: categories.incidentCategoryIds.length, ...(publicSite ? { publicSite } : {}) };
  const involved = incidentCategories(categories.catalogue, categories.incidentCategoryIds);
  const warnings: ReadinessWarning[] = [];
  const contentChecks = versions
    .sort((a, b) => a.language.localeCompare(b.language))
    .map((v) => {
      const content = parseContent(v.sections);
      const english = categoriesInEnglish(v.language, involved, content.categoryWords);
      if (english.length) {
        warnings.push({
          versionId: v.id,
          language: v.language,
          kind: "english_categories",
          items: english.map((c) => c.name),
          message: categoryWordsWarning(v.language, english),
        });
      }
      return {
        versionId: v.id,
        language: v.language,
        checks: checkNoticeContent({ ...content, subject: v.subject, language: v.language }, obligations, facts),
      };
    });
  const contentGaps: ContentGap[] = contentChecks.flatMap(({ versionId, language, checks }) =>
    checks.flatMap((c) =>
      c.items
        .filter((i) => !i.isMet)
        .map((i) => ({
          versionId,
          language,
          ruleId: c.ruleId,
          regimeCode: c.regimeCode,
          item: i.label,
          kind: i.kind,
          fix: i.fix,
        })),
    ),
  );
  return { contentChecks, contentGaps, warnings };
}

/**
 * Checks a notice before sending: the content gaps of each pinned version and the people of
 * the audience whose notice would be broken. Reads the audience page by page; nothing is written.
 */
export async function checkNoticeReadiness(db: DbOrTx, options: ReadinessOptions): Promise<NoticeReadiness> {
  const { incidentId, versionIds, audienceWhere } = options;
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const [{ contentChecks, contentGaps, warnings }, renderer] = await Promise.all([
    checkVersionsContent(db, incidentId, versionIds, options.publicSite),
    loadNoticeRenderer(db, incidentId, versionIds),
  ]);
  const counts = new Map<string, number>();
  const firstBroken: BrokenNotice[] = [];
  let checked = 0;
  let broken = 0;
  let afterKey: string | undefined;
  for (;;) {
    const page = await listNoticePeoplePage(db, incidentId, audienceWhere, afterKey, pageSize);
    for (const row of page) {
      const recipient = toNoticeRecipient(row);
      const version = renderer.versionFor(recipient.language);
      const problems = renderer.problemsOf(recipient, version.id);
      checked++;
      if (problems.length === 0) continue;
      broken++;
      for (const p of problems) counts.set(p, (counts.get(p) ?? 0) + 1);
      if (firstBroken.length < FIRST_BROKEN_LIMIT) {
        const name = `${row.givenName} ${row.familyName}`.trim();
        firstBroken.push({ personId: row.id, name, email: row.email, language: version.language, problems });
      }
    }
    if (page.length < pageSize) break;
    afterKey = page[page.length - 1]!.uniqueKey;
  }
  const problemCounts = [...counts]
    .map(([problem, count]) => ({ problem, count }))
    // Code-point order for ties, so the order does not depend on the server's locale.
    .sort((a, b) => b.count - a.count || (a.problem < b.problem ? -1 : a.problem > b.problem ? 1 : 0));
  return {
    isReady: contentGaps.length === 0 && broken === 0,
    contentGaps,
    warnings,
    renderProblems: { checked, broken, problemCounts, firstBroken },
    contentChecks,
  };
}
