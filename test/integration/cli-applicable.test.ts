import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { rulePack } from "../../src/modules/deadlines/index.js";
import { type ApplicabilityValues, saveApplicability } from "../../src/modules/organisation/index.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { runBreachdesk } from "../helpers/cli.js";
import { addIncident } from "../helpers/incidents.js";

/** `breachdesk applicable ARGS` in this process; against the database at `databaseUrl` for --stored and --incident. */
function runApplicable(args: string[], databaseUrl?: string) {
  return runBreachdesk(["applicable", ...args], databaseUrl ? { env: { DATABASE_URL: databaseUrl } } : {});
}

const folder = mkdtempSync(join(tmpdir(), "breachdesk-applicable-"));
let files = 0;
function profileFile(profile: unknown): string {
  files += 1;
  const file = join(folder, `profile-${files}.json`);
  writeFileSync(file, typeof profile === "string" ? profile : JSON.stringify(profile));
  return file;
}

interface Row {
  rule: string;
  applies: "yes" | "maybe" | "no";
  reasons: string[];
}
async function assess(profile: unknown): Promise<Map<string, Row>> {
  const result = await runApplicable(["--profile", profileFile(profile), "--json"]);
  assert.equal(result.status, 0, result.stderr);
  const body = JSON.parse(result.stdout) as { rules: Row[] };
  assert.equal(body.rules.length, rulePack.rules.length);
  for (const row of body.rules) {
    assert.ok(["yes", "maybe", "no"].includes(row.applies), row.rule);
    assert.ok(row.reasons.length > 0 && row.reasons.every((r) => typeof r === "string"), row.rule);
  }
  return new Map(body.rules.map((r) => [r.rule, r]));
}

/** Linux Australia Inc.: an incorporated association of New South Wales, small by turnover. */
const linuxAustralia = {
  at: "2016-03-24T09:00:00+11:00",
  establishedIn: ["AU-NSW"],
  entityTypes: [],
  annualTurnover: { amount: 400000, currency: "AUD" },
  offersToEU: false,
  offersToUK: false,
  residents: { AU: 600, "AU-NSW": 120, NZ: 12, DE: 3 },
  dataElements: ["name", "email", "postal-address", "date-of-birth"],
};
const australianOrEu = (id: string) => /^(AU|EU)-/.test(id);

describe("breachdesk applicable", () => {
  it("Linux Australia in March 2016: no Australian or EU rule applies yet (not in force)", async () => {
    const rows = await assess(linuxAustralia);
    const auEu = [...rows.values()].filter((r) => australianOrEu(r.rule));
    assert.ok(auEu.length >= 14);
    for (const row of auEu) {
      assert.equal(row.applies, "no", `${row.rule}: ${row.reasons.join("; ")}`);
      // The ePrivacy rules (Reg. 611/2013) are in force since 2013 but bind only telecoms providers.
      if (row.rule.startsWith("EU-EPRIVACY-")) {
        assert.ok(
          row.reasons.some((r) => r.includes("electronic communications services, which the organisation is not")),
          row.rule,
        );
        continue;
      }
      assert.match(row.reasons[0] ?? "", /^not in force on 2016-03-2[34] \(in force from 20\d\d-\d\d-\d\d\)$/, row.rule);
    }
    assert.equal(rows.get("AU-NDB-oaic")?.reasons[0], "not in force on 2016-03-24 (in force from 2018-02-22)");
  });

  it("Linux Australia today: the NDB rules apply only when it is an APP entity", async () => {
    const today = { ...linuxAustralia, at: "2026-12-07T10:00:00+11:00" };
    const small = await assess(today);
    for (const id of ["AU-NDB-assess", "AU-NDB-oaic", "AU-NDB-individuals"]) {
      assert.equal(small.get(id)?.applies, "no", id);
      assert.ok(
        small.get(id)?.reasons.some((r) => r.includes("small business under s 6D unless an exception applies")),
        id,
      );
    }
    const over = await assess({ ...today, annualTurnover: { amount: 3500000, currency: "AUD" } });
    const optedIn = await assess({ ...today, entityTypes: ["au-opted-in"] });
    for (const id of ["AU-NDB-assess", "AU-NDB-oaic", "AU-NDB-individuals"]) {
      assert.equal(over.get(id)?.applies, "yes", id);
      assert.ok(
        over
          .get(id)
          ?.reasons.includes("annual turnover A$3,500,000, over A$3 million: not a small business (s 6D), an APP entity"),
      );
      assert.equal(optedIn.get(id)?.applies, "yes", id);
    }
    // GDPR still does not reach it: three Germans and no offer to the EU.
    assert.equal(over.get("EU-GDPR-33")?.applies, "no");
  });

  it("a non-EU organisation with residents in Germany that does not offer to the EU: GDPR does not apply", async () => {
    const rows = await assess({
      at: "2026-12-07T10:00:00Z",
      establishedIn: ["US-CA"],
      offersToEU: false,
      offersToUK: false,
      residents: { DE: 250 },
    });
    for (const id of ["EU-GDPR-33", "EU-GDPR-33-2", "EU-GDPR-34"]) {
      assert.equal(rows.get(id)?.applies, "no", id);
      assert.ok(
        rows
          .get(id)
          ?.reasons.includes(
            "not established in the EU and does not offer goods or services to or monitor people there (Art. 3(2))",
          ),
      );
    }
  });

  it("a US company with 300 Texans: the Attorney General's notice applies; with 100 it does not", async () => {
    const company = { at: "2026-12-07T10:00:00-06:00", establishedIn: ["US-DE"], entityTypes: [], dataElements: ["name", "ssn"] };
    const many = await assess({ ...company, residents: { "US-TX": 300 } });
    assert.equal(many.get("US-TX-regulator")?.applies, "yes");
    assert.ok(many.get("US-TX-regulator")?.reasons.includes("300 residents of Texas, at least 250"));
    assert.equal(many.get("US-TX-individuals")?.applies, "yes");
    const few = await assess({ ...company, residents: { "US-TX": 100 } });
    assert.equal(few.get("US-TX-regulator")?.applies, "no");
    assert.ok(few.get("US-TX-regulator")?.reasons.includes("100 residents of Texas, not at least 250"));
    assert.equal(few.get("US-TX-individuals")?.applies, "yes");
    assert.equal(few.get("US-CA-cdph")?.applies, "no");
  });

  it("prints the answers grouped in words without --json", async () => {
    const result = await runApplicable(["--profile", profileFile(linuxAustralia)]);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^Applies \(\d+\):/m);
    assert.match(result.stdout, /^Does not apply \(\d+\):\n(.*\n)*? {2}AU-NDB-oaic: not in force on 2016-03-24/m);
  });

  it("refuses a bad profile with status 2, naming the key to fix", async () => {
    const cases: [unknown, RegExp][] = [
      [{ establishedIn: ["AU"] }, /at: is required/],
      [{ at: "24/03/2016" }, /at: use ISO 8601/],
      [{ ...linuxAustralia, residents: { "US-TX": "many" } }, /residents\.US-TX/],
      [{ ...linuxAustralia, entityTypes: ["bank-of-mars"] }, /entityTypes\.0: unknown entity type "bank-of-mars"/],
      [{ ...linuxAustralia, annualTurnover: { amount: 5 } }, /annualTurnover\.currency/],
      [{ ...linuxAustralia, offersToEu: true }, /unknown key offersToEu/],
      ["{not json", /not JSON/],
    ];
    for (const [profile, message] of cases) {
      const result = await runApplicable(["--profile", profileFile(profile), "--json"]);
      assert.equal(result.status, 2, JSON.stringify(profile));
      assert.match(result.stderr, message);
      assert.equal(result.stdout, "");
    }
    assert.equal((await runApplicable(["--json"])).status, 2);
  });
});

describe("breachdesk deadlines --zone and --holidays", () => {
  const args = ["--rule", "AU-NDB-assess", "--event", "aware_suspected_breach=2026-05-02T10:00:00+08:00", "--json"];
  const due = async (extra: string[]) => {
    const result = await runBreachdesk(["deadlines", ...args, ...extra]);
    assert.equal(result.status, 0, result.stderr);
    return (JSON.parse(result.stdout) as { deadlines: { dueAt: string; zone: string; extendsTo?: string }[] }).deadlines[0];
  };
  it("counts in Perth with Western Australia's holidays (Western Australia Day, Monday 1 June 2026)", async () => {
    const sydney = await due([]);
    assert.equal(sydney?.zone, "Australia/Sydney");
    assert.equal(sydney?.extendsTo, undefined);
    const perth = await due(["--zone", "Australia/Perth", "--holidays", "AU-WA"]);
    assert.equal(perth?.zone, "Australia/Perth");
    assert.equal(perth?.dueAt, "2026-06-01T15:59:59.999Z");
    assert.equal(perth?.extendsTo, "2026-06-02T15:59:59.999Z");
  });
  it("refuses an unknown zone or calendar with status 2", async () => {
    const result = await runBreachdesk(["deadlines", ...args, "--zone", "Mars/Olympus", "--holidays", "AU-XX"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--zone "Mars\/Olympus" is not an IANA time zone/);
    assert.match(result.stderr, /--holidays "AU-XX" is not a country/);
  });
});

describe("breachdesk applicable --stored and --incident (the organisation's stored profile)", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());
  const admin = { userId: null, label: "test", ip: null };

  it("reads the stored profile: Linux Australia under A$3 million, then opted in (s 6EA)", async () => {
    const small = {
      establishedIn: ["AU-NSW"],
      entityTypes: [] as ApplicabilityValues["entityTypes"],
      annualTurnover: { amount: 900000, currency: "AUD" },
      offersToEU: false,
      offersToUK: false,
    };
    await saveApplicability(t.deps, small, admin);
    const before = await runApplicable(["--stored", "--at", "2026-12-07T09:00:00+11:00", "--json"], t.db.url);
    assert.equal(before.status, 0, before.stderr);
    const rows = new Map((JSON.parse(before.stdout) as { rules: Row[] }).rules.map((r) => [r.rule, r]));
    assert.equal(rows.get("AU-NDB-oaic")?.applies, "no");
    assert.ok(
      rows.get("AU-NDB-oaic")?.reasons.some((r) => r.includes("a small business under s 6D unless an exception applies")),
    );
    await saveApplicability(t.deps, { ...small, entityTypes: ["au-opted-in"] }, admin);
    const opted = await runApplicable(["--stored", "--at", "2026-12-07T09:00:00+11:00", "--json"], t.db.url);
    const after = new Map((JSON.parse(opted.stdout) as { rules: Row[] }).rules.map((r) => [r.rule, r]));
    assert.equal(after.get("AU-NDB-oaic")?.applies, "yes");
  });

  it("reads an incident: its discovery in 2016 is the date assessed, and the answer covers every rule", async () => {
    const incident = await addIncident(t);
    const result = await runApplicable(["--incident", incident.reference, "--json"], t.db.url);
    assert.equal(result.status, 0, result.stderr);
    const body = JSON.parse(result.stdout) as { at: string; rules: Row[] };
    assert.equal(body.at, "2016-03-21T22:00:00.000Z");
    assert.equal(body.rules.length, rulePack.rules.length);
    const ndb = body.rules.find((r) => r.rule === "AU-NDB-oaic");
    assert.equal(ndb?.applies, "no");
    assert.ok(ndb?.reasons.some((r) => r.startsWith("not in force on 2016-03-22")));
  });

  it("refuses an unknown incident, two sources at once, or --at without --stored, with status 2", async () => {
    const missing = await runApplicable(["--incident", "BD-1999-0001"], t.db.url);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /BD-1999-0001/);
    assert.equal((await runApplicable(["--stored", "--incident", "BD-1999-0001"], t.db.url)).status, 2);
    const at = await runApplicable(["--incident", "BD-1999-0001", "--at", "2026-01-01T00:00:00Z"], t.db.url);
    assert.equal(at.status, 2);
    assert.match(at.stderr, /--at goes with --stored/);
    const badAt = await runApplicable(["--stored", "--at", "yesterday"], t.db.url);
    assert.equal(badAt.status, 2);
    assert.match(badAt.stderr, /ISO 8601/);
  });
});
