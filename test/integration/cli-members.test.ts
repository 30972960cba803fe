// `breachdesk members`: the incident's team and access from the command line, run in this process
// against one database for the suite, with the same use cases as the page and the API (decision 0030).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import type { Incident } from "../../src/modules/incidents/index.js";
import { addUser, createTestApp, type TestApp } from "../helpers/app.js";
import { runBreachdesk } from "../helpers/cli.js";
import { addIncident } from "../helpers/incidents.js";

interface TeamJson {
  reference: string;
  access: string;
  members: { userId: string; name: string; email: string; globalRole: string; role: string; addedAt: string }[];
}

describe("breachdesk members", () => {
  let t: TestApp;
  let incident: Incident;
  let ref: string;
  const lead = "lead@example.org";
  const colleague = "colleague@example.org";

  /** Runs `breachdesk members ARGS` in this process against the suite's database. */
  const members = (...args: string[]) => runBreachdesk(["members", ...args], { env: { DATABASE_URL: t.db.url } });

  before(async () => {
    t = await createTestApp({ INCIDENTS_DEFAULT_ACCESS: "restricted" });
    const owner = await addUser(t, "manager", lead);
    const other = await addUser(t, "manager", colleague);
    await t.db.prisma.user.update({ where: { id: other.id }, data: { name: "Cora Colleague" } });
    const gone = await addUser(t, "viewer", "gone@example.org");
    await t.db.prisma.user.update({ where: { id: gone.id }, data: { status: "deactivated" } });
    incident = await addIncident(t, { ownerId: owner.id });
    ref = incident.reference;
  });
  after(() => t.close());

  it("lists the team and the access, and --json answers what the API answers", async () => {
    const run = await members("--incident", ref);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^${ref}: restricted: its members and administrators\\.\\n`));
    assert.match(run.stdout, /^lead +Test manager +lead@example\.org +since \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m);

    const json = await members("--incident", ref, "--json");
    assert.equal(json.status, 0, json.stderr);
    const team = JSON.parse(json.stdout) as TeamJson;
    assert.deepEqual(Object.keys(team), ["reference", "access", "members"]);
    assert.equal(team.reference, ref);
    assert.equal(team.access, "restricted");
    assert.equal(team.members.length, 1);
    assert.deepEqual(Object.keys(team.members[0]!), ["userId", "name", "email", "globalRole", "role", "addedAt"]);
    assert.equal(team.members[0]!.email, lead);
    assert.equal(team.members[0]!.role, "lead");
    assert.equal(team.members[0]!.globalRole, "manager");
    assert.ok(!Number.isNaN(Date.parse(team.members[0]!.addedAt)));

    const admin = await addUser(t, "admin");
    const { token } = await createApiToken(t.deps, admin.id, { name: "cli test" }, { userId: null, label: "t", ip: null });
    const api = await supertest(t.app).get(`/api/v1/incidents/${ref}/members`).set("Authorization", `Bearer ${token}`);
    assert.equal(api.status, 200, api.text);
    assert.deepEqual(team, api.body, "the command's --json is the API's answer");

    const listed = await runBreachdesk(["members", "list", "--incident", ref, "--json"], { env: { DATABASE_URL: t.db.url } });
    assert.deepEqual(JSON.parse(listed.stdout), team, "`members list` is `members`");
  });

  it("adds a member, audited by cli and written on the timeline as the page does", async () => {
    const run = await members("add", "--incident", ref, "--email", "Colleague@Example.org", "--role", "viewer");
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `${ref}: colleague@example.org is on the team as viewer.\n`);

    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { email: colleague } });
    const row = await t.db.prisma.incidentMember.findUniqueOrThrow({
      where: { incidentId_userId: { incidentId: incident.id, userId: user.id } },
    });
    assert.equal(row.role, "viewer");
    assert.equal(row.addedById, null);

    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "incident.member_add", entityId: incident.id },
    });
    assert.equal(audit.actorLabel, "cli");
    assert.equal(audit.actorId, null);
    const event = await t.db.prisma.timelineEvent.findFirstOrThrow({
      where: { incidentId: incident.id, description: "Cora Colleague joined the incident's team as viewer." },
    });
    assert.equal(event.recordedBy, "cli");
    assert.equal(event.kind, "note");
  });

  it("changes a member's role, and --json prints the team after the change", async () => {
    const run = await members("add", "--incident", ref, "--email", colleague, "--role", "lead", "--json");
    assert.equal(run.status, 0, run.stderr);
    const team = JSON.parse(run.stdout) as TeamJson;
    assert.deepEqual(team.members.map((m) => [m.email, m.role]).sort(), [
      [colleague, "lead"],
      [lead, "lead"],
    ]);
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "incident.member_role", entityId: incident.id },
    });
    assert.equal(audit.actorLabel, "cli");
    assert.ok(
      await t.db.prisma.timelineEvent.findFirst({
        where: {
          incidentId: incident.id,
          recordedBy: "cli",
          description: "Cora Colleague is now lead on the incident (was viewer).",
        },
      }),
    );
  });

  it("removes a member, audited and on the timeline", async () => {
    const run = await members("remove", "--incident", ref, "--email", colleague);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `${ref}: ${colleague} is off the team.\n`);
    const team = JSON.parse((await members("--incident", ref, "--json")).stdout) as TeamJson;
    assert.deepEqual(
      team.members.map((m) => m.email),
      [lead],
    );
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "incident.member_remove", entityId: incident.id },
    });
    assert.equal(audit.actorLabel, "cli");
    assert.ok(
      await t.db.prisma.timelineEvent.findFirst({
        where: { incidentId: incident.id, recordedBy: "cli", description: "Cora Colleague left the incident's team." },
      }),
    );
  });

  it("opens and restricts the incident, audited and on the timeline", async () => {
    const opened = await members("access", "--incident", ref, "open", "--json");
    assert.equal(opened.status, 0, opened.stderr);
    assert.equal((JSON.parse(opened.stdout) as TeamJson).access, "open");
    assert.equal((await t.db.prisma.incident.findUniqueOrThrow({ where: { id: incident.id } })).access, "open");
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "incident.access", entityId: incident.id } });
    assert.equal(audit.actorLabel, "cli");
    assert.ok(
      await t.db.prisma.timelineEvent.findFirst({
        where: { incidentId: incident.id, recordedBy: "cli", description: "Access changed to open: every signed-in user." },
      }),
    );

    const again = await members("access", "--incident", ref, "open");
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, `${ref}: already open: every signed-in user.\n`);

    const restricted = await members("access", "--incident", ref, "restricted");
    assert.equal(restricted.status, 0, restricted.stderr);
    assert.equal(restricted.stdout, `${ref}: Restricted: its members and administrators.\n`);
    assert.equal((await t.db.prisma.incident.findUniqueOrThrow({ where: { id: incident.id } })).access, "restricted");
  });

  it("refuses with exit status 2 and says what to fix, changing nothing", async () => {
    const auditBefore = await t.db.prisma.auditEntry.count();
    const teamBefore = await t.db.prisma.incidentMember.count({ where: { incidentId: incident.id } });

    const lastLead = await members("remove", "--incident", ref, "--email", lead);
    assert.equal(lastLead.status, 2);
    assert.match(lastLead.stderr, /The incident needs a lead while it is restricted: make someone else lead first\./);

    const unknown = await members("add", "--incident", ref, "--email", "nobody@example.org", "--role", "viewer");
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Choose an active user\.\n {2}email: There is no active user with this address\./);

    const deactivated = await members("add", "--incident", ref, "--email", "gone@example.org", "--role", "viewer");
    assert.equal(deactivated.status, 2);
    assert.match(deactivated.stderr, /email: There is no active user with this address\./);

    const badRole = await members("add", "--incident", ref, "--email", colleague, "--role", "owner");
    assert.equal(badRole.status, 2);
    assert.match(badRole.stderr, /role: Choose lead, manager or viewer\./);

    const notOnTeam = await members("remove", "--incident", ref, "--email", colleague);
    assert.equal(notOnTeam.status, 2);
    assert.match(notOnTeam.stderr, new RegExp(`colleague@example\\.org is not on the team of ${ref}`));

    const badAccess = await members("access", "--incident", ref, "secret");
    assert.equal(badAccess.status, 2);
    assert.match(badAccess.stderr, /access: Choose restricted or open\./);

    for (const args of [
      ["--incident", "BD-1999-0001"],
      ["add", "--incident", "BD-1999-0001", "--email", colleague, "--role", "viewer"],
      ["remove", "--incident", "BD-1999-0001", "--email", lead],
      ["access", "--incident", "BD-1999-0001", "open"],
    ]) {
      const run = await members(...args);
      assert.equal(run.status, 2, args.join(" "));
      assert.match(run.stderr, /There is no incident BD-1999-0001\./);
    }

    const missing = await members("add", "--incident", ref, "--email", colleague);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /Missing --role\./);
    const noIncident = await members("--json");
    assert.equal(noIncident.status, 2);
    assert.match(noIncident.stderr, /Missing --incident REF/);
    const unknownAction = await members("promote", "--incident", ref);
    assert.equal(unknownAction.status, 2);
    assert.match(unknownAction.stderr, /Unknown command: members promote/);

    assert.equal(await t.db.prisma.auditEntry.count(), auditBefore, "nothing refused is audited");
    assert.equal(await t.db.prisma.incidentMember.count({ where: { incidentId: incident.id } }), teamBefore);
  });
});
