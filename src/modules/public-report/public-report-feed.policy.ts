// The Atom feed (RFC 4287) of a public report: one entry per published version, newest first,
// so a reader subscribed to the report learns of each update. Built by hand: five elements
// and one escape function do not need a library.
import type { PublicReportContent } from "./public-report-content.policy.js";

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c);

/** The feed's input: the report's address and its versions, newest first. */
export interface FeedSource {
  url: string;
  entries: { number: number; publishedAt: Date; url: string; content: PublicReportContent }[];
}

/** A summary of a version: the first paragraph of its summary text, at most 500 characters. */
function summaryOf(content: PublicReportContent): string {
  const first =
    content.texts.narrative
      .split(/\r?\n\s*\r?\n/)[0]
      ?.replace(/\s+/g, " ")
      .trim() ?? "";
  return first.length > 500 ? `${first.slice(0, 499)}…` : first;
}

/** The feed as XML; every address absolute, from the app's public address. */
export function atomFeedOf(feed: FeedSource, baseUrl: string): string {
  const newest = feed.entries[0];
  const title = newest?.content.title ?? "Public report";
  const author = newest?.content.organisation || "The organisation";
  const updated = (newest?.publishedAt ?? new Date(0)).toISOString();
  const entries = feed.entries.map((entry) =>
    [
      "  <entry>",
      `    <id>${escapeXml(baseUrl + entry.url)}</id>`,
      `    <title>${escapeXml(`${entry.content.title}: version ${entry.number}`)}</title>`,
      `    <updated>${entry.publishedAt.toISOString()}</updated>`,
      `    <published>${entry.publishedAt.toISOString()}</published>`,
      `    <link rel="alternate" type="text/html" href="${escapeXml(baseUrl + entry.url)}"/>`,
      `    <summary>${escapeXml(summaryOf(entry.content))}</summary>`,
      "  </entry>",
    ].join("\n"),
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${escapeXml(baseUrl + feed.url)}</id>`,
    `  <title>${escapeXml(title)}</title>`,
    `  <updated>${updated}</updated>`,
    `  <author><name>${escapeXml(author)}</name></author>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(baseUrl + feed.url)}"/>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(`${baseUrl + feed.url}/feed.atom`)}"/>`,
    ...entries,
    "</feed>",
    "",
  ].join("\n");
}
