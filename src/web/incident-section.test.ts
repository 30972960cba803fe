import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type IncidentSection, pageOfAnchor, type WorkspacePage, workspaceAddressOf, workspacePath } from "./incident-section.js";

const section = (id: string): IncidentSection => ({ id, title: id, view: `x/${id}`, load: async () => ({}) });
const page = (slug: string, ids: string[], anchorPrefixes: string[] = []): WorkspacePage => ({
  slug,
  label: slug,
  title: slug,
  intro: "",
  sections: ids.map(section),
  anchorPrefixes,
});
const pages = [
  page("", [], ["overview", "status"]),
  page("timeline", ["timeline", "actions"], ["event-", "action-"]),
  page("scope", ["systems", "data", "people"], ["system-"]),
  page("evidence", [], ["audit"]),
];

describe("the workspace's addresses", () => {
  it("finds the page of a section, of a record's anchor and of a page's own name", () => {
    assert.equal(pageOfAnchor(pages, "people")?.slug, "scope");
    assert.equal(pageOfAnchor(pages, "event-4f1c")?.slug, "timeline");
    assert.equal(pageOfAnchor(pages, "audit")?.slug, "evidence");
    assert.equal(pageOfAnchor(pages, "scope")?.slug, "scope");
    assert.equal(pageOfAnchor(pages, "nowhere"), undefined);
  });

  it("sends a redirect to a section of the one-page view to the page that holds it, keeping the query", () => {
    assert.equal(workspaceAddressOf(pages, "/incidents/BD-2016-0001#systems"), "/incidents/BD-2016-0001/scope#systems");
    assert.equal(workspaceAddressOf(pages, "/incidents/BD-2016-0001#event-4f1c"), "/incidents/BD-2016-0001/timeline#event-4f1c");
    assert.equal(workspaceAddressOf(pages, "/incidents/BD-2016-0001?x=1#people"), "/incidents/BD-2016-0001/scope?x=1#people");
  });

  it("leaves alone the overview's anchors, unknown anchors and every other address", () => {
    for (const address of [
      "/incidents/BD-2016-0001#status",
      "/incidents/BD-2016-0001#nowhere",
      "/incidents/BD-2016-0001",
      "/incidents/BD-2016-0001/ledger#top",
      "/admin/data-categories#category-x",
      "https://evil.example/incidents/BD-2016-0001#people",
    ]) {
      assert.equal(workspaceAddressOf(pages, address), address);
    }
  });

  it("writes a page's address with the reference encoded", () => {
    assert.equal(workspacePath("BD-2016-0001", ""), "/incidents/BD-2016-0001");
    assert.equal(workspacePath("BD-2016-0001", "scope", "people"), "/incidents/BD-2016-0001/scope#people");
    assert.equal(workspacePath("a/b", "scope"), "/incidents/a%2Fb/scope");
  });
});
