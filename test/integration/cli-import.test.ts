import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type CommandIo, parseMapOptions, runImportCommand } from "../../src/cli/import-command.js";
import { AppError } from "../../src/lib/errors.js";
import { projectRoot } from "../../src/lib/paths.js";
import { IMPORT_BATCH_ROWS } from "../../src/modules/people/import-run.service.js";
import { createTestDatabase, type TestDatabase, testLane } from "../helpers/db.js";

/** Runs the command function with its standard output and error collected. */
async function capture(run: (io: CommandIo) => Promise<number>) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await run({ stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } });
  return { status, stdout: out.join(""), stderr: err.join("") };
}

describe("breachdesk import", () => {
  let db: TestDatabase;
  let dir: string;
  let previousUrl: string | undefined;
  before(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), "breachdesk-cli-import-"));
    previousUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = db.url;
    await db.prisma.incident.create({
      data: { id: "inc-cli", reference: "BD-2026-0042", year: 2026, number: 42, title: "CLI", severity: "low", timeZone: "UTC" },
    });
  });
  after(async () => {
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("imports a file and prints one JSON object with the counts on standard output", async () => {
    const file = join(dir, "semicolons.csv");
    copyFileSync(join(projectRoot, "test/fixtures/people/semicolons.csv"), file);
    const run = await capture((io) => runImportCommand(["--incident", "bd-2026-0042", file, "--json"], io));
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      read: 5,
      accepted: 2,
      created: 2,
      updated: 0,
      duplicates: 0,
      rejected: 3,
      reasons: { invalid_email: 1, unknown_country: 1, missing_contact: 1 },
    });
    assert.match(run.stderr, /5 rows read, 2 accepted, 3 rejected/);
    assert.match(run.stderr, /rejected rows and their reasons: .*semicolons\.errors\.csv/);
    const audit = await db.prisma.auditEntry.findMany({ where: { incidentId: "inc-cli" }, orderBy: { seq: "asc" } });
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
    const mapped = await capture((io) => runImportCommand(["--incident", "BD-2026-0042", "--map", "comment=ignore", file], io));
    assert.equal(mapped.status, 0, mapped.stderr);
    assert.equal(mapped.stdout, "");
    assert.deepEqual(parseMapOptions(["E-Mail Adresse=email"]), { "E-Mail Adresse": "email" });
    assert.throws(() => parseMapOptions(["nofield"]), AppError);
    await assert.rejects(runImportCommand(["--incident", "BD-2026-9999", file]), /No incident has the reference BD-2026-9999/);
    await assert.rejects(runImportCommand(["--incident", "BD-2026-0042", join(dir, "missing.csv")]), /Cannot read/);
    const usage = await capture((io) => runImportCommand([file], io));
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
      const run = await capture((io) => runImportCommand(["--incident", "BD-2026-0042", file, "--json"], io));
      assert.equal(run.status, 0, run.stderr);
      const counts = JSON.parse(run.stdout);
      assert.deepEqual(Object.keys(counts), ["read", "accepted", "created", "updated", "duplicates", "rejected", "reasons"]);
      const written = 2 * batch;
      assert.deepEqual(counts, {
        read: written,
        accepted: written,
        created: written,
        updated: 0,
        duplicates: 0,
        rejected: 0,
        reasons: {},
      });
      const stopped = `The import stopped after line ${written + 1}: .*boom refused.* The people imported up to there are kept\\. Importing the file again is safe`;
      assert.match(run.stderr, new RegExp(`\\nStopped early \\(failed\\): ${stopped}`));
    } finally {
      await db.prisma.$executeRawUnsafe(`DROP TRIGGER "boom"${testLane === "postgresql" ? ` ON "person"` : ""}`);
    }
  });

  it("runs as `node bin/breachdesk.js import`", () => {
    const file = join(dir, "bom.csv");
    copyFileSync(join(projectRoot, "test/fixtures/people/bom-crlf.csv"), file);
    const run = spawnSync(
      process.execPath,
      [join(projectRoot, "bin/breachdesk.js"), "import", "--incident", "BD-2026-0042", file, "--json"],
      {
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "silent" },
        timeout: 60_000,
      },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).created, 3);
    const bad = spawnSync(
      process.execPath,
      [join(projectRoot, "bin/breachdesk.js"), "import", "--incident", "BD-2026-9999", file],
      {
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "silent" },
      },
    );
    assert.equal(bad.status, 2);
  });
});
