import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { verifyPassword } from "../../src/lib/passwords.js";
import { runBreachdesk, spawnBreachdesk } from "../helpers/cli.js";
import { createTestDatabase, type TestDatabase } from "../helpers/db.js";

/** Runs `breachdesk ARGS` in this process against the test database, `stdin` piped in. */
function breachdesk(db: TestDatabase, args: string[], stdin = "") {
  return runBreachdesk(args, { env: { DATABASE_URL: db.url }, stdin });
}

describe("breachdesk command line", () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.destroy());

  it("creates an administrator with the password piped to `node bin/breachdesk.js`", async () => {
    // The one run of the real process in this file: the binary's wiring (tsx, the entry, the
    // process's streams and environment, a password on a pipe, the exit status).
    const run = await spawnBreachdesk(
      ["users", "create", "--email", "Root@Example.org", "--name", "Rita Root", "--role", "admin"],
      { env: { DATABASE_URL: db.url }, stdin: "a long enough password\n" },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Created admin root@example\.org \(Rita Root\)/);
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "root@example.org" } });
    assert.equal(user.role, "admin");
    assert.equal(user.status, "active");
    assert.ok(await verifyPassword(user.passwordHash ?? "", "a long enough password"));
    const audit = await db.prisma.auditEntry.findFirstOrThrow({ where: { entityId: user.id } });
    assert.equal(audit.actorLabel, "cli");
  });

  it("refuses bad input with a message naming what to fix, and exit status 2", async () => {
    const badRole = await breachdesk(
      db,
      ["users", "create", "--email", "x@example.org", "--name", "X", "--role", "owner"],
      "a long enough password\n",
    );
    assert.equal(badRole.status, 2);
    assert.match(badRole.stderr, /role: Choose admin, manager or viewer\./);
    const shortPassword = await breachdesk(
      db,
      ["users", "create", "--email", "y@example.org", "--name", "Y", "--role", "viewer"],
      "short\n",
    );
    assert.equal(shortPassword.status, 2);
    assert.match(shortPassword.stderr, /password: Use at least 12 characters\./);
    const missing = await breachdesk(db, ["users", "create", "--email", "z@example.org"]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /Missing --name, --role/);
    const taken = await breachdesk(
      db,
      ["users", "create", "--email", "root@example.org", "--name", "R", "--role", "viewer"],
      "a long enough password\n",
    );
    assert.equal(taken.status, 2);
    assert.match(taken.stderr, /exists already/);
    const unknown = await breachdesk(db, ["frobnicate"]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Unknown command: frobnicate/);
  });

  it("sets a forgotten password from standard input, ending sessions and sign-in locks, audited as cli", async () => {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "root@example.org" } });
    await db.prisma.session.create({
      data: { id: "cli-session", userId: user.id, data: "{}", expiresAt: new Date(Date.now() + 3600_000) },
    });
    const lockedUntil = new Date(Date.now() + 3600_000);
    await db.prisma.loginThrottle.create({
      data: { key: "account:root@example.org", failures: 99, windowStart: new Date(), lockedUntil },
    });
    const before = new Date();
    const run = await breachdesk(db, ["users", "set-password", "--email", "ROOT@example.org"], "another long password\n");
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /The password of root@example\.org \(admin\) is set/);
    const changed = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    assert.ok(await verifyPassword(changed.passwordHash ?? "", "another long password"));
    assert.ok(changed.passwordChangedAt && changed.passwordChangedAt >= new Date(before.getTime() - 1000));
    assert.equal(await db.prisma.session.count({ where: { userId: user.id } }), 0, "their sessions ended");
    assert.equal(await db.prisma.loginThrottle.count({ where: { key: { startsWith: "account:root@example.org" } } }), 0);
    const audit = await db.prisma.auditEntry.findFirstOrThrow({ where: { entityId: user.id, action: "user.password_set" } });
    assert.equal(audit.actorLabel, "cli");
    assert.ok(!(audit.after ?? "").includes("another long password"));
  });

  it("refuses to set a password for an unknown account or a weak one, with exit status 2", async () => {
    const unknown = await breachdesk(db, ["users", "set-password", "--email", "nobody@example.org"], "another long password\n");
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /There is no user with the e-mail address nobody@example\.org\./);
    const weak = await breachdesk(db, ["users", "set-password", "--email", "root@example.org"], "short\n");
    assert.equal(weak.status, 2);
    assert.match(weak.stderr, /password: Use at least 12 characters\./);
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "root@example.org" } });
    assert.ok(await verifyPassword(user.passwordHash ?? "", "another long password"), "unchanged");
    const missing = await breachdesk(db, ["users", "set-password"]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /Missing --email/);
  });

  it("reports a bad setting by name", async () => {
    const result = await runBreachdesk(["db", "migrate"], { env: { DATABASE_URL: "mysql://nope" } });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /DATABASE_URL="mysql:\/\/nope": must start with file:/);
  });

  it("migrates on demand and says when there is nothing to do", async () => {
    const run = await breachdesk(db, ["db", "migrate"]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /The database is up to date\./);
  });
});
