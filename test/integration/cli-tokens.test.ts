import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { newId, sha256 } from "../../src/lib/ids.js";
import { runBreachdesk } from "../helpers/cli.js";
import { createTestDatabase, type TestDatabase } from "../helpers/db.js";

/** Runs `breachdesk ARGS` in this process against the test database. */
function breachdesk(db: TestDatabase, args: string[]) {
  return runBreachdesk(args, { env: { DATABASE_URL: db.url } });
}

describe("breachdesk tokens create", () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
    const user = (email: string, role: string, status: string) =>
      db.prisma.user.create({ data: { id: newId(), email, name: email.split("@")[0]!, role, status, passwordHash: null } });
    await user("robot@example.org", "manager", "active");
    await user("gone@example.org", "viewer", "deactivated");
    await user("new@example.org", "viewer", "invited");
  });
  after(() => db.destroy());

  it("prints a new token once on standard output, stores only its hash, and audits the creation", async () => {
    const run = await breachdesk(db, ["tokens", "create", "--email", "Robot@Example.org", "--name", "SIEM bridge"]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^bd_[A-Za-z0-9_-]{43}\n$/, "standard output is the token alone");
    assert.match(run.stderr, /will not be shown again/);
    assert.match(run.stderr, /robot@example\.org, acting as manager/);
    const token = run.stdout.trim();
    assert.ok(!run.stderr.includes(token));

    const row = await db.prisma.apiToken.findFirstOrThrow({ where: { name: "SIEM bridge" }, include: { user: true } });
    assert.equal(row.user.email, "robot@example.org");
    assert.equal(row.tokenHash, sha256(token));
    assert.equal(row.prefix, token.slice(0, 10));
    const audit = await db.prisma.auditEntry.findFirstOrThrow({ where: { action: "api_token.create", entityId: row.id } });
    assert.equal(audit.actorLabel, "cli");
    assert.ok(!JSON.stringify(audit).includes(token) && !JSON.stringify(audit).includes(row.tokenHash));
  });

  it('names the token "command line" when --name is not given', async () => {
    const run = await breachdesk(db, ["tokens", "create", "--email", "robot@example.org"]);
    assert.equal(run.status, 0, run.stderr);
    const row = await db.prisma.apiToken.findUniqueOrThrow({ where: { tokenHash: sha256(run.stdout.trim()) } });
    assert.equal(row.name, "command line");
  });

  it("refuses an unknown, deactivated or invited user, and a missing --email, with exit status 2", async () => {
    const before = await db.prisma.apiToken.count();
    const unknown = await breachdesk(db, ["tokens", "create", "--email", "nobody@example.org"]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /There is no user with the e-mail address nobody@example\.org/);
    assert.equal(unknown.stdout, "");
    const deactivated = await breachdesk(db, ["tokens", "create", "--email", "gone@example.org"]);
    assert.equal(deactivated.status, 2);
    assert.match(deactivated.stderr, /gone@example\.org is deactivated/);
    const invited = await breachdesk(db, ["tokens", "create", "--email", "new@example.org"]);
    assert.equal(invited.status, 2);
    assert.match(invited.stderr, /has not accepted their invitation/);
    const missing = await breachdesk(db, ["tokens", "create", "--name", "x"]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /Missing --email/);
    const tooLong = await breachdesk(db, ["tokens", "create", "--email", "robot@example.org", "--name", "x".repeat(81)]);
    assert.equal(tooLong.status, 2);
    assert.match(tooLong.stderr, /name: A token name has at most 80 characters\./);
    assert.equal(await db.prisma.apiToken.count(), before);
  });
});
