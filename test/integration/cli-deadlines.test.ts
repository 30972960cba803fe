import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runBreachdesk } from "../helpers/cli.js";

/** `breachdesk regimes ARGS` and `breachdesk deadlines ARGS`, run in this process. */
const runRegimes = (args: string[]) => runBreachdesk(["regimes", ...args]);
const runDeadlines = (args: string[]) => runBreachdesk(["deadlines", ...args]);

describe("breachdesk regimes", () => {
  it("lists every rule as JSON with the contract's fields", async () => {
    const result = await runRegimes(["--json"]);
    assert.equal(result.status, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    assert.equal(rows.length, 231);
    for (const row of rows) {
      assert.deepEqual(Object.keys(row), [
        "id",
        "jurisdiction",
        "regime",
        "notify",
        "trigger",
        "duration",
        "unit",
        "citation",
        "citations",
      ]);
      assert.ok(typeof row.citation === "string" && row.citation.length > 0, String(row.id));
      const citations = row.citations as { title: string; url: string | null; primary: boolean }[];
      for (const c of citations) assert.deepEqual(Object.keys(c), ["title", "url", "primary"], String(row.id));
      // The law itself comes first, then the commentary.
      const firstCommentary = citations.findIndex((c) => !c.primary);
      if (firstCommentary >= 0)
        assert.ok(
          citations.slice(firstCommentary).every((c) => !c.primary),
          String(row.id),
        );
    }
    const { citations: gdprCitations, ...gdpr } = rows.find((r) => r.id === "EU-GDPR-33") as Record<string, unknown>;
    assert.deepEqual((gdprCitations as unknown[])[0], {
      title: "EUR-Lex: Regulation (EU) 2016/679 (GDPR), Art. 33(1)",
      url: "https://eur-lex.europa.eu/eli/reg/2016/679/oj",
      primary: true,
    });
    assert.deepEqual(gdpr, {
      id: "EU-GDPR-33",
      jurisdiction: "EU",
      regime: "GDPR (Regulation (EU) 2016/679)",
      notify: "regulator",
      trigger: "awareness",
      duration: 72,
      unit: "hours",
      citation: "Regulation (EU) 2016/679 (GDPR) Art. 33(1), https://eur-lex.europa.eu/eli/reg/2016/679/oj",
    });
    const asap = rows.find((r) => r.id === "EU-GDPR-34");
    assert.equal(asap?.duration, null);
    assert.equal(asap?.unit, null);
  });

  it("prints a readable table without --json, and refuses unknown options", async () => {
    const table = await runRegimes([]);
    assert.equal(table.status, 0);
    assert.match(table.stdout, /^ID\s+JURISDICTION\s+NOTIFY\s+TRIGGER\s+DEADLINE\s+CITATION/);
    assert.match(table.stdout, /US-SEC-8K-105\s+US-SEC\s+regulator\s+materiality_determination\s+4 business days/);
    assert.match(table.stdout, /231 rules/);
    const bad = await runRegimes(["--jsn"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /Unknown option '--jsn'/);
  });
});

describe("breachdesk deadlines", () => {
  it("computes several rules from their events, in the contract's shape", async () => {
    const result = await runDeadlines([
      "--rule",
      "EU-GDPR-33",
      "--rule",
      "AU-NDB-assess",
      "--rule",
      "EU-GDPR-34",
      "--event",
      "awareness=2026-03-28T10:00[Europe/Berlin]",
      "--event",
      "aware_suspected_breach=2026-05-14T09:00:00+10:00",
      "--json",
    ]);
    assert.equal(result.status, 0, result.stderr);
    const { deadlines } = JSON.parse(result.stdout) as { deadlines: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(deadlines[0] ?? {}), ["rule", "dueAt", "dueLocal", "zone", "kind", "basis"]);
    assert.deepEqual(
      deadlines.map(({ basis: _basis, ...rest }) => rest),
      [
        {
          rule: "EU-GDPR-33",
          dueAt: "2026-03-31T09:00:00.000Z",
          dueLocal: "2026-03-31T11:00:00.000+02:00",
          zone: "Europe/Brussels",
          kind: "fixed",
        },
        {
          rule: "AU-NDB-assess",
          dueAt: "2026-06-13T13:59:59.999Z",
          dueLocal: "2026-06-13T23:59:59.999+10:00",
          zone: "Australia/Sydney",
          kind: "fixed",
          extendsTo: "2026-06-15T13:59:59.999Z",
        },
        { rule: "EU-GDPR-34", dueAt: null, dueLocal: null, zone: "Europe/Brussels", kind: "asap" },
      ],
    );
    assert.match(String(deadlines[2]?.basis), /without undue delay/);
  });

  it("names every problem and exits 2: missing --rule, unknown rules, missing and malformed events", async () => {
    const noRule = await runDeadlines(["--event", "awareness=2026-03-28T10:00:00+01:00"]);
    assert.equal(noRule.status, 2);
    assert.match(noRule.stderr, /Missing --rule ID/);

    const result = await runDeadlines([
      "--rule",
      "EU-GDPR-33",
      "--rule",
      "XX-NOPE",
      "--rule",
      "US-SEC-8K-105",
      "--event",
      "awareness=2026-03-28T10:00",
      "--event",
      "occurrence=2026-03-28T10:00:00Z",
      "--event",
      "discovery",
    ]);
    assert.equal(result.status, 2);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /Unknown rule: XX-NOPE/);
    assert.match(result.stderr, /--event awareness=2026-03-28T10:00: Give the offset/);
    assert.match(result.stderr, /Unknown event "occurrence": use a trigger code \(awareness, /);
    assert.match(result.stderr, /--event "discovery" is not NAME=INSTANT/);
    assert.match(result.stderr, /US-SEC-8K-105 needs --event materiality_determination=INSTANT/);
  });

  it("refuses local times that a daylight-saving change skipped or repeated, asking for the offset", async () => {
    const skipped = await runDeadlines(["--rule", "EU-GDPR-33", "--event", "awareness=2026-03-29T02:30[Europe/Berlin]"]);
    assert.equal(skipped.status, 2);
    assert.match(skipped.stderr, /does not exist in Europe\/Berlin: the clocks skipped it\. Enter the time with its offset\./);
    assert.doesNotMatch(skipped.stderr, /needs --event awareness/, "a malformed event is not also reported as missing");
    const repeated = await runDeadlines(["--rule", "EU-GDPR-33", "--event", "awareness=2026-10-25T02:30[Europe/Berlin]"]);
    assert.equal(repeated.status, 2);
    assert.match(repeated.stderr, /happened twice in Europe\/Berlin[\s\S]*(\+01:00 or \+02:00|\+02:00 or \+01:00)/);
    const badZone = await runDeadlines(["--rule", "EU-GDPR-33", "--event", "awareness=2026-03-28T10:00[Europe/Atlantis]"]);
    assert.equal(badZone.status, 2);
    assert.match(badZone.stderr, /Unknown time zone "Europe\/Atlantis"/);
    const twice = await runDeadlines([
      "--rule",
      "EU-GDPR-33",
      "--event",
      "awareness=2026-03-28T10:00:00Z",
      "--event",
      "awareness=2026-03-28T11:00:00Z",
    ]);
    assert.match(twice.stderr, /--event awareness is given twice/);
  });
});

describe("the breachdesk command", () => {
  it("prints the SEC deadline over Thanksgiving as JSON", async () => {
    const result = await runBreachdesk([
      "deadlines",
      "--rule",
      "US-SEC-8K-105",
      "--event",
      "materiality_determination=2026-11-25T16:00:00-05:00",
      "--json",
    ]);
    assert.equal(result.status, 0, result.stderr);
    const { deadlines } = JSON.parse(result.stdout) as { deadlines: { rule: string; dueLocal: string }[] };
    assert.equal(deadlines[0]?.dueLocal, "2026-12-02T23:59:59.999-05:00");
  });

  it("lists the regimes and exits 2 on a missing event", async () => {
    const list = await runBreachdesk(["regimes", "--json"]);
    assert.equal(list.status, 0, list.stderr);
    assert.equal((JSON.parse(list.stdout) as unknown[]).length, 231);
    const missing = await runBreachdesk(["deadlines", "--rule", "EU-GDPR-33", "--json"]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /EU-GDPR-33 needs --event awareness=INSTANT/);
  });
});
