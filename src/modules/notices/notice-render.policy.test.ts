import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertGolden } from "../../../test/helpers/golden.js";
import { builtInCategories } from "../data-categories/catalogue.policy.js";
import { defaultHeadings, type NoticeContent, sectionKeys } from "./notice-content.policy.js";
import { createNoticeRenderer, type NoticeRecipient, type RendererVersion } from "./notice-render.policy.js";

const catalogue = builtInCategories.map((c, i) => ({
  id: c.id,
  name: c.name,
  advice: c.advice,
  sensitivity: c.sensitivity,
  sortOrder: i,
}));

function content(sections: Partial<NoticeContent["sections"]>, details: Partial<NoticeContent["details"]> = {}): NoticeContent {
  return {
    sections: { ...Object.fromEntries(sectionKeys.map((k) => [k, ""])), ...sections } as NoticeContent["sections"],
    headings: defaultHeadings(),
    details: { organisation: "", contactEmail: "", contactPhone: "", ...details },
    checkedItems: [],
  };
}

const english: RendererVersion = {
  id: "v-en",
  language: "en",
  subject: "{{organisation}}: a data breach that affects you, {{first_name}} ({{incident_reference}})",
  content: content(
    {
      whoWeAre: "Dear {{full_name}},\n\nWe are {{organisation}}, who run the conference you registered for.",
      whatHappened:
        "On 22 March someone got into the server that keeps registrations and copied its database.\n\nUpdates: https://example.org/breach?ref={{external_id}}.",
      when: "Between 15 and 22 March 2016.",
      whatInformation: "What we held about you, member {{attribute:Member no}}:",
      whatWeHaveDone: "- We took the server offline.\n- We told the OAIC and the police.",
      whatYouShouldDo: "Change your password wherever you used the same one.\n\nBe wary of e-mails that seem to come from us.",
      learnMore: "Read https://example.org/faq, or write to {{contact_email}}.",
    },
    { organisation: "Linux Australia", contactEmail: "privacy@example.org", contactPhone: "+61 2 9876 5432" },
  ),
};

const french: RendererVersion = {
  id: "v-fr",
  language: "fr-CA",
  subject: "Avis d'incident pour {{full_name}}",
  content: {
    ...content(
      {
        whoWeAre: "Bonjour {{first_name}},\n\nNous sommes {{organisation}}.",
        whatHappened: "Quelqu'un a copié la base de données des inscriptions.",
        whatInformation: "Ces données vous concernent : {{categories}}.",
      },
      { organisation: "Linux Australia", contactEmail: "vie-privee@example.org" },
    ),
    headings: {
      ...defaultHeadings(),
      whoWeAre: "Qui sommes-nous",
      whatHappened: "Ce qui s'est passé",
      whatInformation: "Vos données",
    },
    // Two of the incident's three categories in French; "contact_details" keeps the catalogue's English.
    categoryWords: {
      password_hashes: {
        name: "Empreintes de mots de passe",
        advice:
          "Changez votre mot de passe, ici et sur tout autre site où vous utilisiez le même. Un gestionnaire de mots de passe vous en donne un différent pour chaque site.",
      },
      email_address: {
        name: "Adresses courriel",
        advice:
          "Méfiez-vous des courriels au sujet de cet incident qui vous demandent de cliquer sur un lien, d'ouvrir un fichier ou de vous connecter : allez plutôt vous-même sur le site.",
      },
    },
  },
};

const facts = {
  reference: "BD-2016-0001",
  fallbackLanguage: "en",
  versions: [english, french],
  catalogue,
  incidentCategoryIds: ["contact_details", "password_hashes", "email_address"],
};

function person(overrides: Partial<NoticeRecipient> = {}): NoticeRecipient {
  return {
    personId: "p1",
    givenName: "Ada",
    familyName: "Lovelace",
    email: "ada@example.org",
    externalId: "M-1",
    language: "en",
    country: "AU",
    region: "AU-NSW",
    categoryIds: null,
    attributes: { "Member no": "1815" },
    ...overrides,
  };
}

const hostile = person({
  personId: "p-hostile",
  givenName: `<script>alert("x")</script>Zoë`,
  familyName: `O'Brien-Ñúñez "=cmd|' /C calc'!A0"`,
  email: "zoe@example.org",
  externalId: `=HYPERLINK("https://evil.example")`,
  attributes: { "Member no": `"><img src=x onerror=alert(1)>` },
  categoryIds: ["password_hashes", "identity"],
});

describe("notice renderer", () => {
  const renderer = createNoticeRenderer(facts);

  it("renders the golden copy of a notice to a person with hostile and non-ASCII values", () => {
    const notice = renderer.render(hostile, "v-en");
    assertGolden("emails/notice-hostile.html", notice.html);
    assertGolden("emails/notice-hostile.txt", `Subject: ${notice.subject}\n\n${notice.text}`);
    assert.deepEqual(notice.problems, []);
  });

  it("renders the golden copy of a French version with its own headings, its own words for two categories and the categories named inline", () => {
    const notice = renderer.render(person({ givenName: "Émilie", familyName: "Côté-Łukasiewicz", language: "fr-CA" }), "v-fr");
    assertGolden("emails/notice-fr-ca.html", notice.html);
    assertGolden("emails/notice-fr-ca.txt", `Subject: ${notice.subject}\n\n${notice.text}`);
  });

  it("escapes every value of the person in the HTML part, and nothing in it is script, image or handler", () => {
    const { html, text, subject } = renderer.render(hostile, "v-en");
    assert.doesNotMatch(html, /<script|<img|<link|<iframe|<form|<object|<style/i);
    assert.doesNotMatch(html, /<[^>]*\s(on\w+|src)=/i, "no tag carries a handler or a source");
    assert.ok(html.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;Zoë"));
    assert.ok(html.includes("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert.ok(html.includes("ref=%3DHYPERLINK(%22https%3A%2F%2Fevil.example%22)"), "a value in a link's address is encoded");
    assert.ok(text.includes(`<script>alert("x")</script>Zoë`), "the text part keeps the characters, which no client runs");
    assert.equal(subject, `Linux Australia: a data breach that affects you, <script>alert("x")</script>Zoë (BD-2016-0001)`);
    assert.match(html, /<title>Linux Australia: a data breach that affects you, &lt;script&gt;/);
  });

  it("keeps the subject and values on one line and drops control characters, so no value can forge the layout", () => {
    const sneaky = person({ givenName: "Ada\r\nBcc: x@evil.example\u00000\u0000", attributes: { "Member no": "\u00001\u0000" } });
    const notice = renderer.render(sneaky, "v-en");
    assert.equal(notice.subject, "Linux Australia: a data breach that affects you, Ada Bcc: x@evil.example0 (BD-2016-0001)");
    assert.ok(!(notice.html + notice.text).includes("\u0000"), "no NUL reaches the notice");
    assert.equal((notice.html.match(/<title>/g) ?? []).length, 1);
  });

  it("lists the person's own categories with the catalogue's advice, most sensitive first; null means the incident's", () => {
    const own = renderer.render(person({ categoryIds: ["identity", "password_hashes"] }), "v-en").text;
    assert.ok(own.indexOf("- Password hashes") < own.indexOf("- Names and identity details"));
    assert.match(own, /- Password hashes: .+/);
    assert.doesNotMatch(own, /Contact details/);
    const all = renderer.render(person(), "v-en").text;
    for (const name of ["Contact details", "E-mail addresses", "Password hashes"]) assert.ok(all.includes(`- ${name}: `), name);
  });

  it("names the categories in the version's words where given, else the catalogue's, in the list and in {{categories}}", () => {
    const { text, html } = renderer.render(person({ language: "fr-CA" }), "v-fr");
    assert.match(text, /Ces données vous concernent : Empreintes de mots de passe, Contact details, Adresses courriel\./);
    assert.match(text, /^- Empreintes de mots de passe: Changez votre mot de passe, ici et sur tout autre site/m);
    assert.match(text, /^- Adresses courriel: Méfiez-vous des courriels/m);
    assert.match(
      text,
      /^- Contact details: Expect more unsolicited messages/m,
      "a category without French words falls back to the catalogue",
    );
    assert.doesNotMatch(text, /Password hashes|E-mail addresses/);
    assert.match(
      html,
      /<strong>Adresses courriel<\/strong><br>Méfiez-vous des courriels au sujet de cet incident qui vous demandent de cliquer sur un lien, d&#39;ouvrir un fichier/,
    );
    // Another version's words are its own: the English version still names them in English.
    const english = renderer.render(person(), "v-en").text;
    assert.match(english, /^- Password hashes: Change your password/m);
    assert.doesNotMatch(english, /Empreintes|courriel/);
  });

  it("takes a category's name and advice from the version each on its own, and escapes them as text", () => {
    const r = createNoticeRenderer({
      ...facts,
      versions: [
        {
          ...french,
          content: {
            ...french.content,
            categoryWords: {
              password_hashes: { name: "", advice: "Changez-le." },
              email_address: { name: `<script>alert("x")</script> Courriel {{first_name}}`, advice: "  " },
            },
          },
        },
      ],
    });
    const { text, html } = r.render(person({ categoryIds: ["password_hashes", "email_address"] }), "v-fr");
    assert.match(text, /^- Password hashes: Changez-le\.$/m, "the catalogue's name with the version's advice");
    assert.match(
      text,
      /^- <script>alert\("x"\)<\/script> Courriel \{\{first_name\}\}: Be wary of e-mails/m,
      "no placeholder is filled in",
    );
    assert.ok(html.includes("<strong>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Courriel {{first_name}}</strong>"));
    assert.ok(
      html.includes("concernent : Password hashes, &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Courriel {{first_name}}."),
      "{{categories}} names it, escaped, too",
    );
    assert.doesNotMatch(html, /<script/);
  });

  it("reports what would break a person's notice, and not a missing e-mail address", () => {
    const broken = person({ givenName: "", email: null, attributes: {}, categoryIds: [] });
    assert.deepEqual(renderer.render(broken, "v-en").problems, [
      "no first name for {{first_name}}",
      'no "Member no" value for {{attribute:Member no}}',
      "no data categories",
    ]);
    assert.deepEqual(renderer.problemsOf(person({ categoryIds: ["identity", "tarot_readings"] }), "v-en"), [
      'unknown data category "tarot_readings"',
    ]);
    assert.deepEqual(renderer.problemsOf(person({ email: null, externalId: null }), "v-fr"), []);
  });

  it("reads an attribute by name ignoring case, and one that is not text as its JSON", () => {
    const loose = { "  member NO ": 1815, toString: "x" } as unknown as Record<string, string>;
    assert.match(renderer.render(person({ attributes: loose }), "v-en").text, /member 1815:/);
    const nested = { "Member no": { branch: "Sydney" } } as unknown as Record<string, string>;
    assert.match(renderer.render(person({ attributes: nested }), "v-en").text, /member \{"branch":"Sydney"\}/i);
    assert.deepEqual(
      renderer.problemsOf(person({ attributes: { "Member no": null } as unknown as Record<string, string> }), "v-en"),
      ['no "Member no" value for {{attribute:Member no}}'],
    );
  });

  it("shows only the sections with words, plus contact details and the data list", () => {
    const { text, html } = renderer.render(person({ language: "fr" }), "v-fr");
    assert.match(
      text,
      /^Qui sommes-nous\n---------------\n\nBonjour Ada,\n\nNous sommes Linux Australia\.\n\nLinux Australia\nvie-privee@example\.org\n/,
    );
    assert.doesNotMatch(text, /When it happened|What we have done/);
    assert.match(html, /<html lang="fr-CA" dir="ltr">/);
    assert.match(html, /href="mailto:vie-privee@example\.org"/);
  });

  it("chooses the version by the person's language: exact tag, primary subtag, then the fallback", () => {
    assert.equal(renderer.versionFor("fr-CA").id, "v-fr");
    assert.equal(renderer.versionFor("FR_ca").id, "v-fr");
    assert.equal(renderer.versionFor("fr").id, "v-fr");
    assert.equal(renderer.versionFor("fr-BE").id, "v-fr");
    assert.equal(renderer.versionFor("en-AU").id, "v-en");
    assert.equal(renderer.versionFor("de").id, "v-en");
    assert.equal(renderer.versionFor(null).id, "v-en");
    assert.equal(renderer.versionFor("").language, "en");
  });

  it("prefers the primary-subtag version to a regional one, and falls back to the first language when the fallback has none", () => {
    const r = createNoticeRenderer({
      ...facts,
      fallbackLanguage: "de",
      versions: [
        { ...french, id: "fr-FR", language: "fr-FR" },
        { ...french, id: "fr", language: "fr" },
        { ...english, id: "es", language: "es" },
      ],
    });
    assert.equal(r.versionFor("fr-CA").id, "fr");
    assert.equal(r.versionFor("fr-FR").id, "fr-FR");
    assert.equal(r.versionFor("it").id, "es");
  });

  it("refuses a version it did not load, and a renderer without versions", () => {
    assert.throws(() => renderer.render(person(), "v-de"), /version v-de is not loaded/);
    assert.throws(() => createNoticeRenderer({ ...facts, versions: [] }), /no template version/);
  });

  it("writes right-to-left languages right to left", () => {
    const r = createNoticeRenderer({ ...facts, versions: [{ ...french, id: "ar", language: "ar" }] });
    assert.match(r.render(person(), "ar").html, /<html lang="ar" dir="rtl">/);
  });
});
