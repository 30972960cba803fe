import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { refillForm } from "./form-refill.js";

const page = `<h1>Incident</h1>
<form method="post" action="/search"><input name="q" value="x"></form>
<details class="form-panel"><summary>Add an action</summary>
<form method="post" action="/incidents/BD-2026-0001/actions">
  <input type="hidden" name="_csrf" value="fresh-token">
  <input type="hidden" name="next" value="/incidents/BD-2026-0001">
  <input id="title" name="title" type="text" value="" required>
  <input name="secret" type="password" value="">
  <textarea name="description" rows="4"></textarea>
  <select id="ownerId" name="ownerId"><option value="">Nobody</option><option value="u1" selected>Ada</option><option value="u2">Bob &amp; Co</option></select>
  <select name="zone"><option>UTC</option><option>Australia/Sydney</option></select>
  <label><input type="checkbox" name="systemIds" value="s1" checked> Web</label>
  <label><input type="checkbox" name="systemIds" value="s2"> Mail</label>
  <label><input type="radio" name="visibility" value="internal" checked> Internal</label>
  <label><input type="radio" name="visibility" value="public"> Public</label>
  <button type="submit">Add</button>
</form>
</details>
<p>after</p>`;

describe("refilling a form with what was typed", () => {
  const filled = refillForm(
    page,
    "/incidents/BD-2026-0001/actions",
    {
      title: 'Call the "host" <now>',
      secret: "never",
      description: "\nfirst line\nsecond & last",
      ownerId: "u2",
      zone: "Australia/Sydney",
      systemIds: ["s2"],
      visibility: "public",
      _csrf: "stale-token",
      next: "/elsewhere",
    },
    "/incidents/BD-2026-0001",
  );

  it("fills the form that posts to the action, and only that one", () => {
    assert.ok(filled);
    assert.match(filled, /<input name="q" value="x">/, "another form stays as rendered");
    assert.match(filled, /<input id="title" name="title" type="text" value="Call the &quot;host&quot; &lt;now&gt;" required>/);
    assert.match(filled, /<textarea name="description" rows="4">\n\nfirst line\nsecond &amp; last<\/textarea>/);
  });

  it("selects the sent option, by value or by its text, and unselects the others", () => {
    assert.ok(filled);
    assert.match(
      filled,
      /<option value="">Nobody<\/option><option value="u1">Ada<\/option><option value="u2" selected>Bob &amp; Co<\/option>/,
    );
    assert.match(filled, /<option>UTC<\/option><option selected>Australia\/Sydney<\/option>/);
  });

  it("checks the sent checkboxes and radio button, and unchecks the rest", () => {
    assert.ok(filled);
    assert.match(filled, /<input type="checkbox" name="systemIds" value="s1"> Web/);
    assert.match(filled, /<input type="checkbox" name="systemIds" value="s2" checked> Mail/);
    assert.match(filled, /<input type="radio" name="visibility" value="internal"> Internal/);
    assert.match(filled, /<input type="radio" name="visibility" value="public" checked> Public/);
  });

  it("leaves hidden fields (the fresh CSRF token) and passwords as rendered, and opens the details around the form", () => {
    assert.ok(filled);
    assert.match(filled, /name="_csrf" value="fresh-token"/);
    assert.match(filled, /name="next" value="\/incidents\/BD-2026-0001"/);
    assert.match(filled, /<input name="secret" type="password" value="">/);
    assert.doesNotMatch(filled, /never/);
    assert.match(filled, /<details class="form-panel" open><summary>/);
    assert.ok(filled.endsWith("</details>\n<p>after</p>"), "the rest of the page is unchanged");
  });

  it("finds a form without an action by the page's own path, and says when the page has no such form", () => {
    const own = refillForm('<form method="post"><input name="name"></form>', "/account", { name: "Ada" }, "/account");
    assert.equal(own, '<form method="post"><input name="name" value="Ada"></form>');
    assert.equal(refillForm(page, "/nowhere", { title: "x" }, "/incidents/BD-2026-0001"), null);
  });
});
