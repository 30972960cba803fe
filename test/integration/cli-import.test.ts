import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseMapOptions } from "../../src/cli/import-command.js";
import { AppError } from "../../src/lib/errors.js";
import { projectRoot } from "../../src/lib/paths.js";
import { IMPORT_BATCH_ROWS } from "../../src/modules/people/import-run.service.js";
import { runBreachdesk, spawnBreachdesk } from "../helpers/cli.js";
import { createTestDatabase, type TestDatabase, testLane } from "../helpers/db.js";

describe("breachdesk import", () => {
  let db: TestDatabase;
  let dir: string;
  /** Runs `breachdesk ARGS` in this process against the test database. */
  const breachdesk = (...args: string[]) => runBreachdesk(args, { env: { DATABASE_URL: db.url } });
  before(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), "breachdesk-cli-import-"));
    await db.prisma.incident.create({
      data: { id: "inc-cli", reference: "BD-2026-0042", year: 2026, number: 42, title: "CLI", severity: "low", timeZone: "UTC" },
    });
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("imports a file and prints one JSON object with the counts on standard output", async () => {
    const file = join(dir, "semicolons.csv");
    copyFileSync(join(projectRoot, "test/fixtures/people/semicolons.csv"), file);
    const run = await breachdesk("import", "--incident", "bd-2026-0042", file, "--json");
    assert.equal(run.status, 0, run.stderr);
    // Bob, Carol and Dan were rejected before decision 0014: each names someone, so each is kept.
    assert.deepEqual(JSON.parse(run.stdout), {
      read: 5,
      accepted: 5,
      created: 5,
      updated: 0,
      duplicates: 0,
      rejected: 0,
      reasons: {},
      warnings: { invalid_email: 1, missing_contact: 2, unknown_country: 1 },
    });
    assert.match(run.stderr, /5 rows read, 5 accepted, 0 rejected/);
    assert.match(run.stderr, /kept with a value that could not be used: invalid_email 1, missing_contact 2, unknown_country 1/);
    assert.doesNotMatch(run.stderr, /rejected rows and their reasons/);
    const audit = await db.prisma.auditEntry.findMany({
      where: { incidentId: "inc-cli", action: { startsWith: "person_import." } },
      orderBy: { seq: "asc" },
    });
    assert.deepEqual(
      audit.map((e) => [e.action, e.actorLabel, e.actorId]),
      [
        ["person_import.start", "cli", null],
        ["person_import.finish", "cli", null],
      ],
    );
    assert.deepEqual(JSON.parse(audit[0]!.after!), {
      incident: "BD-2026-0042",
      fileName: "semicolons.csv",
      mapping: {
        "E-Mail": "email",
        "Full Name": "name",
        "Postal Address": "postalAddress",
        Country: "country",
        Language: "language",
      },
    });
    assert.equal(JSON.parse(audit[1]!.after!).status, "completed");
  });

  it("applies --map and refuses what cannot run", async () => {
    const file = join(dir, "formulas.csv");
    copyFileSync(join(projectRoot, "test/fixtures/people/formulas.csv"), file);
    const mapped = await breachdesk("import", "--incident", "BD-2026-0042", "--map", "comment=ignore", file);
    assert.equal(mapped.status, 0, mapped.stderr);
    assert.equal(mapped.stdout, "");
    assert.deepEqual(parseMapOptions(["E-Mail Adresse=email"]), { "E-Mail Adresse": "email" });
    assert.throws(() => parseMapOptions(["nofield"]), AppError);
    const badMap = await breachdesk("import", "--incident", "BD-2026-0042", "--map", "nofield", file);
    assert.equal(badMap.status, 2);
    assert.match(badMap.stderr, /--map "nofield" must have the form column=field\./);
    const unknown = await breachdesk("import", "--incident", "BD-2026-9999", file);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /No incident has the reference BD-2026-9999/);
    const missing = await breachdesk("import", "--incident", "BD-2026-0042", join(dir, "missing.csv"));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /Cannot read/);
    const usage = await breachdesk("import", file);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /Missing --incident/);
  });

  it("exits 0 when the import ran but stopped part-way, saying where on standard error", async () => {
    const rows = ["email,name,country"];
    // The bad row is in the third batch: two are in before it.
    const batch = IMPORT_BATCH_ROWS;
    for (let i = 1; i <= 3 * batch; i++) rows.push(`${i === 2.5 * batch ? "boom" : `p${i}`}@example.org,P ${i},AU`);
    const file = join(dir, "stops.csv");
    writeFileSync(file, `${rows.join("\n")}\n`);
    // A trigger refusing one row stands in for any database failure halfway through.
    if (testLane === "sqlite") {
      await db.prisma.$executeRawUnsafe(
        `CREATE TRIGGER "boom" BEFORE INSERT ON "person" WHEN NEW."email" = 'boom@example.org' BEGIN SELECT RAISE(ABORT, 'boom refused'); END`,
      );
    } else {
      await db.prisma.$executeRawUnsafe(
        `CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF NEW.email = 'boom@example.org' THEN RAISE EXCEPTION 'boom refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
      );
      await db.prisma.$executeRawUnsafe(`CREATE TRIGGER boom BEFORE INSERT ON "person" FOR EACH ROW EXECUTE FUNCTION boom()`);
    }
    try {
      const run = await breachdesk("import", "--incident", "BD-2026-0042", file, "--json");
      assert.equal(run.status, 0, run.stderr);
      const counts = JSON.parse(run.stdout);
      assert.deepEqual(Object.keys(counts), [
        "read",
        "accepted",
        "created",
        "updated",
        "duplicates",
        "rejected",
        "reasons",
        "warnings",
      ]);
      const written = 2 * batch;
      assert.deepEqual(counts, {
        read: written,
        accepted: written,
        created: written,
        updated: 0,
        duplicates: 0,
        rejected: 0,
        reasons: {},
        warnings: {},
      });
      const stopped = `The import stopped after line ${written + 1}: .*boom refused.* The people imported up to there are kept\\. Importing the file again is safe`;
      assert.match(run.stderr, new RegExp(`\\nStopped early \\(failed\\): ${stopped}`));
    } finally {
      await db.prisma.$executeRawUnsafe(`DROP TRIGGER "boom"${testLane === "postgresql" ? ` ON "person"` : ""}`);
    }
  });

  it("keeps attendees with malformed addresses and unknown countries, counting the warnings", async () => {
    const file = join(dir, "attendees.csv");
    writeFileSync(
      file,
      [
        "Email,First Name,Last Name,Address,City,State,Postcode,Country,Conference",
        "ada.k@example.org,Ada,King,1 Main St,Fitzroy,VIC,3065,AU,PyCon AU 2014",
        "bob@@example.org,Bob,Builder,2 High St,Hobart,TAS,7000,AU,linux.conf.au 2015",
        "carol.example.org,Carol,Smith,3 Low Rd,Perth,WA,6000,Australia,PyCon AU 2013",
        "dan.d@example.org,Dan,Day,4 Quay,Wellington,,6011,Aotearoa,linux.conf.au 2014",
        "eve.s@example.org,Eve,Short",
      ].join("\n"),
    );
    const run = await breachdesk("import", "--incident", "BD-2026-0042", file, "--json");
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      read: 5,
      accepted: 4,
      created: 4,
      updated: 0,
      duplicates: 0,
      rejected: 1,
      reasons: { wrong_field_count: 1 },
      warnings: { invalid_email: 2, unknown_country: 1 },
    });
    assert.match(run.stderr, /kept with a value that could not be used: invalid_email 2, unknown_country 1/);

    const listed = await breachdesk("import", "rejected", "--incident", "BD-2026-0042", "--json");
    assert.equal(listed.status, 0, listed.stderr);
    const { outstanding, imports } = JSON.parse(listed.stdout) as {
      outstanding: number;
      imports: { importId: string; fileName: string }[];
    };
    assert.equal(outstanding, 1);
    const ours = imports.find((i) => i.fileName === "attendees.csv")!;
    assert.match(listed.stderr, /1 rejected row is an affected person not imported/);
    const refused = await breachdesk(
      "import",
      "rejected",
      "--incident",
      "BD-2026-0042",
      "--import",
      ours.importId,
      "--dismiss",
      "",
    );
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /Say why these rows are dismissed/);
    const dismissed = await breachdesk(
      "import",
      "rejected",
      "--incident",
      "BD-2026-0042",
      "--import",
      ours.importId,
      "--dismiss",
      "Eve's row is a duplicate of eve@example.org, imported by hand",
    );
    assert.equal(dismissed.status, 0, dismissed.stderr);
    assert.match(dismissed.stderr, /1 rejected: dismissed .*: Eve's row is a duplicate/);
    assert.equal(
      JSON.parse((await breachdesk("import", "rejected", "--incident", "BD-2026-0042", "--json")).stdout).outstanding,
      0,
    );
  });

  it("keeps the people of that import as the file gave them, the unusable values as warnings", async () => {
    const bob = await db.prisma.person.findFirstOrThrow({
      where: { incidentId: "inc-cli", uniqueKey: "email:bob@@example.org" },
    });
    assert.deepEqual(
      [bob.email, bob.city, bob.region, bob.postcode, JSON.parse(bob.warnings)],
      [null, "Hobart", "AU-TAS", "7000", { invalid_email: "bob@@example.org" }],
    );
    const dan = await db.prisma.person.findFirstOrThrow({
      where: { incidentId: "inc-cli", uniqueKey: "email:dan.d@example.org" },
    });
    assert.deepEqual(
      [dan.country, JSON.parse(dan.warnings), JSON.parse(dan.attributes)],
      [null, { unknown_country: "Aotearoa" }, { Conference: "linux.conf.au 2014" }],
    );
    const event = await db.prisma.timelineEvent.findFirstOrThrow({ where: { incidentId: "inc-cli", kind: "note" } });
    assert.match(event.description, /^1 rejected row of the people import attendees\.csv dismissed: Eve's row/);
    assert.equal(event.recordedBy, "cli");
  });

  it("runs as `node bin/breachdesk.js import`", async () => {
    // The one run of the real process here: the counts on its standard output, the exit status.
    const file = join(dir, "bom.csv");
    copyFileSync(join(projectRoot, "test/fixtures/people/bom-crlf.csv"), file);
    const run = await spawnBreachdesk(["import", "--incident", "BD-2026-0042", file, "--json"], {
      env: { DATABASE_URL: db.url },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).created, 3);
  });
});
