import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileHtml, compileLine, compileText, escapeHtml, type Piece, type Slot, slotsOf } from "./notice-format.policy.js";

/** Fills slots with their written name in brackets, to see where they went. */
function show(pieces: Piece[]): string {
  return pieces
    .map((p) => (typeof p === "string" ? p : `[${p.ref.name}${p.ref.attribute ? `:${p.ref.attribute}` : ""}/${p.mode}]`))
    .join("");
}

describe("notice formatting", () => {
  it("makes paragraphs of blank-line separated text and keeps single line breaks", () => {
    const html = show(compileHtml("First line\nsecond line\n\n\nNext paragraph"));
    assert.equal(
      html,
      '<p style="margin:0 0 16px 0">First line<br>\nsecond line</p>\n<p style="margin:0 0 16px 0">Next paragraph</p>\n',
    );
    assert.equal(show(compileText("First line\nsecond line\n\n\nNext paragraph")), "First line\nsecond line\n\nNext paragraph");
  });

  it("makes a list of lines starting with a dash and a space, splitting a paragraph around it", () => {
    const source = "You should:\n- change your password\n-not a list item\n- watch for e-mails\nThanks.";
    const html = show(compileHtml(source));
    assert.match(html, /<p[^>]*>You should:<\/p>\n<ul[^>]*>\n<li[^>]*>change your password<\/li>\n/);
    // "-not" has no space after the dash: it stays text, continuing the list's last paragraph block.
    assert.match(
      html,
      /<\/ul>\n<p[^>]*>-not a list item<\/p>\n<ul[^>]*>\n<li[^>]*>watch for e-mails<\/li>\n<\/ul>\n<p[^>]*>Thanks\.<\/p>/,
    );
    assert.equal(
      show(compileText(source)),
      "You should:\n\n- change your password\n\n-not a list item\n\n- watch for e-mails\n\nThanks.",
    );
  });

  it("links bare https addresses, leaving trailing punctuation and unbalanced brackets out", () => {
    const html = show(compileHtml("See https://example.org/help. Or (https://example.org/a_(b)) now"));
    assert.match(html, /<a href="https:\/\/example\.org\/help" [^>]*>https:\/\/example\.org\/help<\/a>\. Or \(/);
    assert.match(html, /<a href="https:\/\/example\.org\/a_\(b\)" [^>]*>https:\/\/example\.org\/a_\(b\)<\/a>\) now/);
  });

  it("does not link http, javascript or data addresses", () => {
    const html = show(compileHtml("http://example.org javascript:alert(1) data:text/html,x https://"));
    assert.doesNotMatch(html, /<a /);
  });

  it("fills a placeholder inside a link's address as an encoded value", () => {
    const html = show(compileHtml("https://example.org/check?id={{external_id}}"));
    assert.equal(
      html,
      '<p style="margin:0 0 16px 0"><a href="https://example.org/check?id=[external_id/href]" style="color:#0b57d0;text-decoration:underline">https://example.org/check?id=[external_id/html]</a></p>\n',
    );
    assert.equal(
      show(compileText("https://example.org/check?id={{external_id}}")),
      "https://example.org/check?id=[external_id/href]",
    );
  });

  it("escapes every character of the manager's text and makes nothing else markup", () => {
    const html = show(compileHtml(`<script>alert("x")</script> & <img src=x onerror='y'> **bold** <b>`));
    assert.ok(!html.includes("<script"));
    assert.ok(!html.includes("<img"));
    assert.ok(!html.includes("<b>"));
    assert.match(
      html,
      /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &lt;img src=x onerror=&#39;y&#39;&gt; \*\*bold\*\*/,
    );
  });

  it("turns known placeholders into slots, any case and spacing, and leaves unknown ones as text", () => {
    const pieces = compileText("Dear {{ First_Name }}, ref {{incident_reference}} {{nope}} {{attribute: Member no }}");
    assert.equal(show(pieces), "Dear [first_name/text], ref [incident_reference/text] {{nope}} [attribute:Member no/text]");
    assert.deepEqual(
      slotsOf(pieces).map((s: Slot) => s.ref.written),
      ["{{ First_Name }}", "{{incident_reference}}", "{{attribute: Member no }}"],
    );
  });

  it("makes {{categories}} alone in a paragraph a list, and inline a value", () => {
    assert.equal(
      show(compileHtml("Involved:\n\n{{categories}}")),
      '<p style="margin:0 0 16px 0">Involved:</p>\n[categories/htmlList]',
    );
    assert.equal(show(compileText("Involved:\n\n {{ categories }} ")), "Involved:\n\n[categories/textList]");
    assert.equal(show(compileText("Involved: {{categories}}.")), "Involved: [categories/text].");
  });

  it("removes control characters and unifies line ends", () => {
    assert.equal(show(compileText("a\u0000b\u0007c\r\nd\re\u001bf")), "abc\nd\nef");
  });

  it("compiles the subject to one line", () => {
    assert.equal(show(compileLine("  Notice for\n {{full_name}}\r\n\u0000now ")), "Notice for [full_name/text] now");
  });

  it("gives nothing for empty or blank text", () => {
    assert.deepEqual(compileHtml(""), []);
    assert.deepEqual(compileHtml(" \n\n \t\n"), []);
    assert.deepEqual(compileText(""), []);
  });

  it("escapes values of any type, and leaves text without special characters as it is", () => {
    assert.equal(escapeHtml(`a&b<c>"d'`), "a&amp;b&lt;c&gt;&quot;d&#39;");
    assert.equal(escapeHtml("plain"), "plain");
    assert.equal(escapeHtml(undefined), "");
    assert.equal(escapeHtml(42), "42");
  });
});
