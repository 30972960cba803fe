import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  buildReportContent,
  emptyDraft,
  missingBeforePublishing,
  paragraphsOf,
  publicTimeline,
} from "./public-report-content.policy.js";
import { atomFeedOf } from "./public-report-feed.policy.js";

const at = (iso: string) => new Date(iso);
const event = (id: string, iso: string, visibility: string, correctsId: string | null = null) => ({
  id,
  occurredAt: at(iso),
  occurredZone: "Europe/Amsterdam",
  kind: "note",
  description: `entry ${id}`,
  visibility,
  correctsId,
});

describe("the public report's content", () => {
  it("keeps the public entries only, in the order they happened, a corrected one replaced by its correction", () => {
    const entries = publicTimeline([
      event("c", "2009-08-28T10:00:00Z", "public"),
      event("a", "2009-08-27T10:00:00Z", "public"),
      event("secret", "2009-08-27T11:00:00Z", "internal"),
      event("wrong", "2009-08-27T12:00:00Z", "public"),
      event("fixed", "2009-08-27T12:30:00Z", "public", "wrong"),
    ]);
    assert.deepEqual(
      entries.map((e) => e.description),
      ["entry a", "entry fixed", "entry c"],
    );
    assert.equal(entries[0]?.local, "2009-08-27 12:00 GMT+2");
    assert.equal(entries[0]?.zone, "Europe/Amsterdam");
  });

  it("shows the post-incident texts only in a post-incident report, and names the organisation in the default title", () => {
    const source = {
      draft: { ...emptyDraft(), narrative: "Summary.", whatWorked: "Backups." },
      organisation: { name: "The ASF", contactEmail: "security@apache.org", contactPhone: "", website: "", address: "" },
      events: [],
      systems: [],
      actions: [{ title: "Restrict keys", status: "done", completedAt: at("2009-09-01T00:00:00Z") }],
      categories: [],
    };
    const statement = buildReportContent(source);
    assert.equal(statement.texts.whatWorked, "");
    assert.equal(statement.title, "The ASF: security incident");
    assert.equal(statement.actions[0]?.completedAt, "2009-09-01T00:00:00.000Z");
    const report = buildReportContent({ ...source, draft: { ...source.draft, kind: "post_incident" } });
    assert.equal(report.texts.whatWorked, "Backups.");
    assert.deepEqual(missingBeforePublishing({ ...source.draft, kind: "post_incident" }), ["Say what happened."]);
    assert.deepEqual(missingBeforePublishing(emptyDraft()), ["Write the summary (what the public should know)."]);
  });

  it("splits paragraphs on blank lines and keeps single line breaks within one", () => {
    assert.deepEqual(paragraphsOf("one\ntwo\n\n  \nthree"), [["one", "two"], ["three"]]);
  });

  it("writes an Atom feed with each version, escaped, with absolute addresses", () => {
    const content = buildReportContent({
      draft: { ...emptyDraft(), title: "Report <1> & more", narrative: "First <b>para</b>.\n\nSecond." },
      organisation: { name: "A & B", contactEmail: "", contactPhone: "", website: "", address: "" },
      events: [],
      systems: [],
      actions: [],
      categories: [],
    });
    const xml = atomFeedOf(
      {
        url: "/public/abc",
        entries: [{ number: 1, publishedAt: at("2009-08-29T12:00:00Z"), url: "/public/abc/versions/1", content }],
      },
      "https://bd.example.org",
    );
    assert.match(xml, /<title>Report &lt;1&gt; &amp; more: version 1<\/title>/);
    assert.match(xml, /<summary>First &lt;b&gt;para&lt;\/b&gt;\.<\/summary>/);
    assert.match(xml, /<link rel="alternate" type="text\/html" href="https:\/\/bd\.example\.org\/public\/abc\/versions\/1"\/>/);
    assert.match(xml, /<author><name>A &amp; B<\/name><\/author>/);
  });
});
