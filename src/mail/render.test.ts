import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderSystemEmail } from "./render.js";

const link = "https://breachdesk.example.org/password/set/tok_abc123?x=1&y=2";
const hostile = "<script>alert(1)</script>";

describe("renderSystemEmail: invite", () => {
  it("names the inviter and gives the link and its expiry in both parts", async () => {
    const mail = await renderSystemEmail("invite", {
      name: "Ada Lovelace",
      invitedBy: "grace@example.org",
      link,
      expiresAt: new Date("2026-12-01T09:30:00Z"),
    });
    assert.equal(mail.subject, "You are invited to Breachdesk");
    for (const part of [mail.text, mail.html]) {
      assert.match(part, /Ada Lovelace/);
      assert.match(part, /grace@example\.org invited you to Breachdesk/);
      assert.match(part, /1 December 2026 at 09:30 UTC/);
    }
    assert.ok(mail.text.includes(link), "the text part carries the link unescaped");
    assert.ok(mail.html.includes(`href="${link.replace(/&/g, "&amp;")}"`), "the HTML part links to it");
  });

  it("shows an expiry given as text as it is", async () => {
    const mail = await renderSystemEmail("invite", { invitedBy: "Grace", link, expiresAt: "Tue, 01 Dec 2026 09:30:00 GMT" });
    assert.match(mail.text, /expires on Tue, 01 Dec 2026 09:30:00 GMT/);
    assert.match(mail.text, /^Hello,$/m);
  });

  it("escapes a hostile name and inviter in the HTML part", async () => {
    const mail = await renderSystemEmail("invite", {
      name: hostile,
      invitedBy: `"><img src=x onerror=alert(1)>`,
      link,
      expiresAt: "soon",
    });
    assert.ok(!mail.html.includes("<script>"), "no script element");
    assert.ok(!mail.html.includes("<img"), "no injected element");
    assert.ok(mail.html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert.ok(mail.text.includes(hostile), "text/plain keeps the characters, which no client runs");
  });
});

describe("renderSystemEmail: password reset", () => {
  it("gives the link and says to ignore the mail if they did not ask", async () => {
    const mail = await renderSystemEmail("password-reset", { name: "Ada", link, expiresAt: "1 December 2026 at 09:30 UTC" });
    assert.equal(mail.subject, "Reset your Breachdesk password");
    for (const part of [mail.text, mail.html]) {
      assert.match(part, /If you did not ask for this, ignore this email/);
      assert.match(part, /expires on 1 December 2026 at 09:30 UTC/);
    }
    assert.ok(mail.text.includes(link));
  });

  it("escapes a hostile name in the HTML part", async () => {
    const mail = await renderSystemEmail("password-reset", { name: hostile, link });
    assert.ok(!mail.html.includes("<script>"));
    assert.ok(mail.html.includes("&lt;script&gt;"));
  });
});

describe("renderSystemEmail: every template", () => {
  for (const name of ["invite", "password-reset"] as const) {
    it(`${name}: HTML has a language, a title and no script, remote images or inline handlers`, async () => {
      const { html } = await renderSystemEmail(name, { name: "Ada", invitedBy: "Grace", link, expiresAt: "soon" });
      assert.match(html, /<html lang="en">/);
      assert.match(html, /<title>[^<]+<\/title>/);
      assert.doesNotMatch(html, /<script|<img|<link|\son\w+=|src=/i);
    });

    it(`${name}: refuses a link that is not http(s)`, async () => {
      await assert.rejects(renderSystemEmail(name, { link: "javascript:alert(1)" }), /data\.link must be an http\(s\) URL/);
      await assert.rejects(renderSystemEmail(name, {}), /data\.link/);
    });
  }
});
