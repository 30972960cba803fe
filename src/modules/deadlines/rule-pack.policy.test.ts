import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Holidays from "date-holidays";
import { isValidZone } from "../../lib/instants.js";
import { isOfficialSourceUrl, isRegimeCode, loadRulePack, OFFICIAL_HOSTS, RulePackError, rulePack } from "./rule-pack.policy.js";
import { describeTrigger, isTriggerCode, TRIGGER_CODE_LIST } from "./trigger-codes.policy.js";

/** A copy of a valid rule from the pack, to break one field at a time. */
function sampleRule(id = "EU-GDPR-33"): Record<string, unknown> {
  return structuredClone(rulePack.byId.get(id)) as unknown as Record<string, unknown>;
}

function refusal(rules: unknown[]): string {
  try {
    loadRulePack({ version: "test", rules });
  } catch (error) {
    assert.ok(error instanceof RulePackError, String(error));
    return error.message;
  }
  assert.fail("the pack was accepted");
}

describe("the rule pack", () => {
  it("holds the 148 researched rules and the data subjects' notice of POPIA s 22(1)(b), each id once", () => {
    assert.equal(rulePack.rules.length, 231);
    assert.equal(new Set(rulePack.rules.map((r) => r.id)).size, 231);
    for (const id of [
      "AU-NDB-assess",
      "EU-GDPR-33",
      "US-SEC-8K-105",
      "BR-LGPD-anpd",
      "US-VI-individuals",
      "GB-PECR-5A-pre-2025-08-20",
      "ZA-POPIA-22-subjects",
    ]) {
      assert.ok(rulePack.byId.has(id), id);
    }
  });

  it("cites every rule, and names the law of every citation", () => {
    for (const rule of rulePack.rules) {
      assert.ok(rule.citations.length >= 1, rule.id);
      for (const citation of rule.citations) assert.ok(citation.law.length > 0 && citation.source.length > 0, rule.id);
      assert.ok(
        rule.citations.some((c) => c.url),
        `${rule.id} has no citation with an address`,
      );
    }
  });

  it("cites the law itself for every rule: a primary citation on an official host, listed before the commentary", () => {
    const hostsUsed = new Set<string>();
    for (const rule of rulePack.rules) {
      const primary = rule.citations.filter((c) => c.primary);
      assert.ok(primary.length >= 1, `${rule.id} has no primary citation (the law itself or the regulator's own page)`);
      for (const c of primary) {
        assert.ok(c.url && isOfficialSourceUrl(c.url), `${rule.id}: ${c.url} is not on an official host`);
        hostsUsed.add(new URL(c.url).hostname);
      }
      const firstCommentary = rule.citations.findIndex((c) => !c.primary);
      if (firstCommentary >= 0)
        assert.ok(
          rule.citations.slice(firstCommentary).every((c) => !c.primary),
          rule.id,
        );
      // A rule whose primary text was not found says so in its open questions, at lowered confidence.
      if (rule.openQuestions?.includes("Primary source:")) assert.notEqual(rule.confidence, "high", rule.id);
    }
    // Every allowlisted host is used by some rule, so the list stays the list of what the pack cites.
    for (const official of OFFICIAL_HOSTS) {
      assert.ok(
        [...hostsUsed].some((host) => host === official || host.endsWith(`.${official}`)),
        `${official} is allowlisted but no primary citation uses it`,
      );
    }
  });

  it("tells official hosts from the rest by the whole host name, not a substring", () => {
    assert.equal(isOfficialSourceUrl("https://eur-lex.europa.eu/eli/reg/2016/679/oj"), true);
    assert.equal(isOfficialSourceUrl("https://www.ecfr.gov/current/title-45/section-164.404"), true);
    assert.equal(isOfficialSourceUrl("https://www.legislation.gov.au/C2004A03712/latest/text"), true);
    assert.equal(isOfficialSourceUrl("https://gdprhub.eu/Article_33_GDPR"), false);
    assert.equal(isOfficialSourceUrl("https://www.dwt.com/florida/"), false);
    assert.equal(isOfficialSourceUrl("https://eur-lex.europa.eu.example.com/x"), false);
    assert.equal(isOfficialSourceUrl("https://notgov/x"), false);
    assert.equal(isOfficialSourceUrl("https://example.com/?u=https://www.ecfr.gov"), false);
    assert.equal(isOfficialSourceUrl("not a url"), false);
  });

  it("gives a number only where the research found one: no fixed duration for as-soon-as-practicable rules", () => {
    const counts: Record<string, number> = {};
    for (const rule of rulePack.rules) counts[rule.deadline.kind] = (counts[rule.deadline.kind] ?? 0) + 1;
    assert.deepEqual(counts, { fixed: 138, asap: 85, relative: 7, none: 1 });
    for (const rule of rulePack.rules.filter((r) => r.deadline.kind === "asap")) assert.ok(!("amount" in rule.deadline), rule.id);
  });

  it("uses known trigger codes, regime codes, IANA zones and date-holidays calendars", () => {
    const hd = new Holidays();
    const countries = hd.getCountries();
    for (const rule of rulePack.rules) {
      assert.ok(isTriggerCode(rule.trigger.code), rule.id);
      assert.ok(isRegimeCode(rule.regimeCode), rule.id);
      assert.ok(isValidZone(rule.zone.name), `${rule.id}: ${rule.zone.name}`);
      assert.ok(countries[rule.holidays.country], `${rule.id}: ${rule.holidays.country}`);
      if (rule.holidays.state) {
        assert.ok(hd.getStates(rule.holidays.country)?.[rule.holidays.state], `${rule.id}: ${rule.holidays.state}`);
      }
    }
  });

  it("gives every trigger code of the vocabulary a plain-English label", () => {
    assert.equal(TRIGGER_CODE_LIST.length, 32);
    for (const code of TRIGGER_CODE_LIST) assert.match(describeTrigger(code), /^[A-Z]/);
    assert.equal(isTriggerCode("occurrence"), false);
    assert.equal(isTriggerCode("toString"), false);
  });
});

describe("loading a rule pack", () => {
  it("refuses a rule without a citation, naming the rule", () => {
    const rule = { ...sampleRule(), citations: [] };
    assert.match(refusal([rule]), /EU-GDPR-33: citations: needs at least one citation/);
    const { citations: _dropped, ...withoutKey } = sampleRule();
    assert.match(refusal([withoutKey]), /EU-GDPR-33: citations: needs citations/);
  });

  it("refuses a primary citation that is not on an official host, naming the rule", () => {
    const rule = sampleRule();
    const citations = rule.citations as Record<string, unknown>[];
    const commentary = { ...citations[0], url: "https://gdprhub.eu/Article_33_GDPR", primary: true };
    assert.match(
      refusal([{ ...rule, citations: [commentary] }]),
      /EU-GDPR-33: citations\.0\.url: a primary citation needs an address on an official host/,
    );
    assert.match(refusal([{ ...rule, citations: [{ ...citations[0], url: null }] }]), /a primary citation needs an address/);
    assert.match(refusal([{ ...rule, citations: [{ ...citations[0], url: "ftp://eur-lex.europa.eu/x" }] }]), /official host/);
    const onlyCommentary = citations.filter((c) => !c.primary);
    assert.match(
      refusal([{ ...rule, citations: onlyCommentary }]),
      /EU-GDPR-33: citations: needs a primary citation: the law itself on an official host/,
    );
  });

  it("refuses a fixed deadline without its amount or its unit", () => {
    const rule = sampleRule();
    const { amount: _amount, ...noAmount } = rule.deadline as Record<string, unknown>;
    assert.match(refusal([{ ...rule, deadline: noAmount }]), /EU-GDPR-33: deadline\.amount: a fixed deadline needs an amount/);
    const { unit: _unit, ...noUnit } = rule.deadline as Record<string, unknown>;
    assert.match(refusal([{ ...rule, deadline: noUnit }]), /EU-GDPR-33: deadline\.unit: a fixed deadline needs a unit/);
    assert.match(refusal([{ ...rule, deadline: { ...noUnit, unit: "weeks" } }]), /deadline\.unit: a fixed deadline needs a unit/);
  });

  it("refuses an unknown trigger code, quoting it", () => {
    const rule = sampleRule();
    assert.match(
      refusal([{ ...rule, trigger: { code: "occurrence", description: "x" } }]),
      /trigger\.code: unknown trigger code "occurrence"/,
    );
  });

  it("refuses an invented number on an as-soon-as-practicable rule, a duplicate id and an unknown zone", () => {
    const asap = sampleRule("EU-GDPR-34");
    assert.match(
      refusal([{ ...asap, deadline: { ...(asap.deadline as object), amount: 72 } }]),
      /EU-GDPR-34: deadline: Unrecognized key/,
    );
    assert.match(refusal([sampleRule(), sampleRule()]), /EU-GDPR-33: the id is used twice/);
    assert.match(
      refusal([{ ...sampleRule(), zone: { name: "Europe/Atlantis", note: "x" } }]),
      /unknown time zone "Europe\/Atlantis"/,
    );
  });

  it("lists every problem at once, and accepts the shipped pack's own rules", () => {
    const message = refusal([
      { ...sampleRule(), citations: [] },
      { ...sampleRule("EU-GDPR-34"), trigger: { code: "nope", description: "x" } },
    ]);
    assert.match(message, /EU-GDPR-33/);
    assert.match(message, /EU-GDPR-34/);
    assert.equal(loadRulePack({ version: "copy", rules: rulePack.rules }).rules.length, 231);
  });
});
