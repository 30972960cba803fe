import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import ejs from "ejs";
import type { Incident, User } from "../../src/generated/sqlite/client.js";
import { newId } from "../../src/lib/ids.js";
import { projectRoot } from "../../src/lib/paths.js";
import { countOverdueActionsByIncident, listOverdueActions } from "../../src/modules/actions/actions.repository.js";
import { actionsSection } from "../../src/modules/actions/actions.section.js";
import { verifyAuditChain } from "../../src/modules/audit/audit.service.js";
import { ensureBuiltInCategories } from "../../src/modules/data-categories/data-categories.service.js";
import { dataSection } from "../../src/modules/data-categories/incident-data.section.js";
import { systemsSection } from "../../src/modules/systems/systems.section.js";
import { insertTimelineEvent } from "../../src/modules/timeline/timeline.repository.js";
import type { IncidentSection } from "../../src/web/incident-section.js";
import { viewHelpers } from "../../src/web/view-helpers.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

/**
 * The Linux Australia breach of 2016: the Zookeepr conference registration server was
 * compromised through a remote buffer overflow, exposing attendees' names, postal and e-mail
 * addresses, phone numbers and password hashes. A manager records its systems, data and
 * remedial actions; the section partials show what was saved to each role.
 */
describe("systems, personal data and remedial actions of an incident", () => {
  let t: TestApp;
  let manager: Client;
  let admin: Client;
  let viewer: Client;
  let incident: Incident;
  let ref: string;

  before(async () => {
    t = await createTestApp();
    await ensureBuiltInCategories(t.db);
    manager = await signedIn(t, "manager");
    admin = await signedIn(t, "admin");
    viewer = await signedIn(t, "viewer");
    await t.db.prisma.user.update({ where: { id: viewer.user.id }, data: { timeZone: "Europe/London" } });
    viewer.user = await t.db.prisma.user.findUniqueOrThrow({ where: { id: viewer.user.id } });
    incident = await addIncident(t, { title: "Linux Australia conference server breach" });
    ref = incident.reference;
  });
  after(() => t.close());

  async function post(client: Client, path: string, form: Record<string, string>) {
    const token = csrfFrom((await client.agent.get("/")).text);
    return client.agent
      .post(path)
      .type("form")
      .send({ _csrf: token, ...form });
  }

  /** Renders a section partial as the incident page would, from the section's own load(). */
  async function render(section: IncidentSection, as: User): Promise<string> {
    const fresh = await t.db.prisma.incident.findUniqueOrThrow({ where: { id: incident.id } });
    const data = await section.load(t.deps, fresh, as);
    return ejs.renderFile(join(projectRoot, "views", `${section.view}.ejs`), {
      ...viewHelpers,
      csrfToken: "token-of-the-page",
      ...data,
    });
  }

  async function lastAudit(action: string) {
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action }, orderBy: { seq: "desc" } });
    return { ...entry, before: JSON.parse(entry.before ?? "null"), after: JSON.parse(entry.after ?? "null") };
  }

  it("records the affected systems, refuses a second system of the same name, and audits an edit", async () => {
    const zookeepr = await post(manager, `/incidents/${ref}/systems`, {
      name: "Zookeepr conference server",
      role: "Conference registration and papers (Zookeepr)",
      compromiseMethod: "Remote buffer overflow in a network service, then a root shell",
      status: "compromised",
      notes: "Held attendee records of linux.conf.au 2013 to 2016",
    });
    assert.equal(zookeepr.status, 303);
    assert.equal(zookeepr.headers.location, `/incidents/${ref}/scope#systems`, "back on the workspace page of the form");
    const lists = await post(manager, `/incidents/${ref}/systems`, {
      name: "Mailing list server",
      role: "Mailman lists for attendees",
      status: "suspected",
    });
    assert.equal(lists.status, 303);

    const twin = await post(manager, `/incidents/${ref}/systems`, {
      name: "zookeepr CONFERENCE server",
      role: "typed role is kept",
      status: "clean",
    });
    assert.equal(twin.status, 409);
    assert.match(twin.text, /Another system of this incident has this name/);
    assert.match(twin.text, /value="typed role is kept"/);
    assert.equal(await t.db.prisma.affectedSystem.count({ where: { incidentId: incident.id } }), 2);

    const mail = await t.db.prisma.affectedSystem.findFirstOrThrow({ where: { name: "Mailing list server" } });
    const editPage = await manager.agent.get(`/incidents/${ref}/systems/${mail.id}/edit`);
    assert.equal(editPage.status, 200);
    assert.match(editPage.text, /value="Mailing list server"/);
    const edited = await post(manager, `/incidents/${ref}/systems/${mail.id}`, {
      name: "Mailing list server",
      role: "Mailman lists for attendees",
      compromiseMethod: "",
      status: "clean",
      notes: "Logs checked: no sign of access",
    });
    assert.equal(edited.status, 303);
    const entry = await lastAudit("affected_system.update");
    assert.equal(entry.entityId, mail.id);
    assert.equal(entry.incidentId, incident.id);
    assert.equal(entry.before.status, "suspected");
    assert.equal(entry.after.status, "clean");
    assert.equal(entry.after.notes, "Logs checked: no sign of access");
    assert.equal((await lastAudit("affected_system.create")).after.name, "Mailing list server");
  });

  it("keeps what was typed when a system's fields are bad, and changes nothing", async () => {
    const server = await t.db.prisma.affectedSystem.findFirstOrThrow({ where: { name: "Zookeepr conference server" } });
    const res = await post(manager, `/incidents/${ref}/systems/${server.id}`, {
      name: "  ",
      role: "a role typed before the mistake",
      status: "pwned",
    });
    assert.equal(res.status, 400);
    assert.match(res.text, /Enter the system&#39;s name\./);
    assert.match(res.text, /Choose compromised, suspected, clean or rebuilt\./);
    assert.match(res.text, /value="a role typed before the mistake"/);
    const unchanged = await t.db.prisma.affectedSystem.findUniqueOrThrow({ where: { id: server.id } });
    assert.equal(unchanged.status, "compromised");
  });

  it("shows each system's status and the timeline events linked to it", async () => {
    const server = await t.db.prisma.affectedSystem.findFirstOrThrow({ where: { name: "Zookeepr conference server" } });
    for (const [occurredAt, kind] of [
      ["2016-03-22T08:45:00Z", "containment"],
      ["2016-03-21T22:30:00Z", "intrusion"],
    ] as const) {
      await insertTimelineEvent(t.db.prisma, {
        id: newId(),
        incidentId: incident.id,
        occurredAt: new Date(occurredAt),
        occurredZone: "Australia/Sydney",
        recordedAt: t.clock.now(),
        recordedById: manager.user.id,
        recordedBy: manager.user.email,
        kind,
        description: `${kind} on the Zookeepr server`,
        visibility: "internal",
        source: "manual",
        systemIds: [server.id],
      });
    }

    const html = await render(systemsSection, viewer.user);
    assert.match(html, /Zookeepr conference server/);
    assert.match(html, /Remote buffer overflow in a network service/);
    assert.match(html, /<strong class="status status--compromised">Compromised<\/strong>/);
    assert.match(html, /<strong class="status status--clean">Clean<\/strong>/);
    // The viewer reads London time, with Sydney time beside it; oldest event first.
    const intrusion = html.indexOf(
      '2016-03-21 22:30 GMT</time> <span class="muted">(2016-03-22 09:30 GMT+11)</span> Intrusion step',
    );
    const containment = html.indexOf("Containment");
    assert.ok(intrusion > 0 && containment > intrusion, html);
    assert.doesNotMatch(html, /<form/, "a viewer gets no form");
    assert.doesNotMatch(html, /\/edit"/, "nor edit links");

    const asManager = await render(systemsSection, manager.user);
    assert.match(asManager, new RegExp(`<form method="post" action="/incidents/${ref}/systems">`));
    assert.match(asManager, new RegExp(`/incidents/${ref}/systems/${server.id}/edit`));
  });

  it("records the personal data involved; recording a category again updates its details", async () => {
    for (const [categoryId, details, encrypted] of [
      ["identity", "Names of attendees, 2013 to 2016", "no"],
      ["postal_address", "Postal addresses given at registration", "no"],
      ["email_address", "E-mail addresses", "no"],
      ["phone_number", "Phone numbers, where given", "no"],
      ["password_hashes", "Password hashes", "unknown"],
    ]) {
      const res = await post(manager, `/incidents/${ref}/data`, {
        categoryId: categoryId!,
        details: details!,
        encrypted: encrypted!,
      });
      assert.equal(res.status, 303, `${categoryId}: ${res.text.slice(0, 200)}`);
      assert.equal(res.headers.location, `/incidents/${ref}/scope#data`);
    }
    const again = await post(manager, `/incidents/${ref}/data`, {
      categoryId: "password_hashes",
      details: "password hashes, bcrypt cost 10",
      encrypted: "partly",
    });
    assert.equal(again.status, 303);
    assert.equal(await t.db.prisma.incidentDataCategory.count({ where: { incidentId: incident.id } }), 5);
    const hashes = await t.db.prisma.incidentDataCategory.findUniqueOrThrow({
      where: { incidentId_categoryId: { incidentId: incident.id, categoryId: "password_hashes" } },
    });
    assert.deepEqual([hashes.details, hashes.encrypted], ["password hashes, bcrypt cost 10", "partly"]);
    const entry = await lastAudit("incident_data.update");
    assert.equal(entry.incidentId, incident.id);
    assert.deepEqual([entry.before.details, entry.before.encrypted], ["Password hashes", "unknown"]);
    assert.deepEqual([entry.after.details, entry.after.encrypted], ["password hashes, bcrypt cost 10", "partly"]);
    assert.equal((await lastAudit("incident_data.add")).after.categoryId, "password_hashes");

    const edit = await post(manager, `/incidents/${ref}/data/email_address`, {
      details: "Primary e-mail addresses",
      encrypted: "no",
    });
    assert.equal(edit.status, 303);
    const editEntry = await lastAudit("incident_data.update");
    assert.equal(editEntry.before.details, "E-mail addresses");
    assert.equal(editEntry.after.details, "Primary e-mail addresses");
  });

  it("keeps what was typed when the data form is bad", async () => {
    const unknown = await post(manager, `/incidents/${ref}/data`, {
      categoryId: "martian_dna",
      details: "typed details survive",
      encrypted: "maybe",
    });
    assert.equal(unknown.status, 400);
    assert.match(unknown.text, /Choose yes, no, partly or not known\./);
    assert.match(unknown.text, /typed details survive<\/textarea>/);
    const notInCatalogue = await post(manager, `/incidents/${ref}/data`, { categoryId: "martian_dna", encrypted: "no" });
    assert.equal(notInCatalogue.status, 400);
    assert.match(notInCatalogue.text, /Choose a category from the list\./);
    const tooLong = await post(manager, `/incidents/${ref}/data/email_address`, { details: "x".repeat(1001), encrypted: "no" });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.text, /at most 1000 characters/);
    assert.equal(await t.db.prisma.incidentDataCategory.count({ where: { incidentId: incident.id } }), 5);
  });

  it("removes a category only when the removal is confirmed, keeping it in the audit log", async () => {
    await post(manager, `/incidents/${ref}/data`, {
      categoryId: "date_of_birth",
      details: "Recorded by mistake",
      encrypted: "no",
    });
    const unconfirmed = await post(manager, `/incidents/${ref}/data/date_of_birth/remove`, {});
    assert.equal(unconfirmed.status, 400);
    assert.match(unconfirmed.text, /Tick the box to confirm the removal\./);
    assert.match(unconfirmed.text, /Recorded by mistake<\/textarea>/, "the page still shows what is saved");
    const where = { incidentId_categoryId: { incidentId: incident.id, categoryId: "date_of_birth" } };
    assert.ok(await t.db.prisma.incidentDataCategory.findUnique({ where }));

    const removed = await post(manager, `/incidents/${ref}/data/date_of_birth/remove`, { confirm: "yes" });
    assert.equal(removed.status, 303);
    assert.equal(await t.db.prisma.incidentDataCategory.findUnique({ where }), null);
    const entry = await lastAudit("incident_data.remove");
    assert.equal(entry.before.details, "Recorded by mistake");
    assert.equal(entry.after, null);
    assert.equal((await post(manager, `/incidents/${ref}/data/date_of_birth/remove`, { confirm: "yes" })).status, 404);
  });

  it("shows the personal data most sensitive first, with the catalogue's harm and advice", async () => {
    const html = await render(dataSection, viewer.user);
    const order = ["Postal addresses", "Phone numbers", "Password hashes", "Names and identity details", "E-mail addresses"].map(
      (name) => html.indexOf(`<h3>${name}</h3>`),
    );
    assert.ok(
      order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!)),
      `order ${order}`,
    );
    assert.match(html, /password hashes, bcrypt cost 10/);
    assert.match(html, /Partly encrypted/);
    assert.match(html, /Change your password, and on any other site where you used the same one/);
    assert.doesNotMatch(html, /<form/);
    const asManager = await render(dataSection, manager.user);
    assert.match(asManager, new RegExp(`<form method="post" action="/incidents/${ref}/data">`));
    assert.match(asManager, /<optgroup label="Special category">/);
  });

  it("records remedial actions with owners and due days in the incident's zone", async () => {
    const actions = [
      { title: "Suspend all non-admin accounts", dueOn: "2026-03-02", status: "done" },
      { title: "Enforce key-based SSH logins", dueOn: "2026-03-03", status: "open" },
      { title: "Deploy log analysis", dueOn: "2026-03-20", status: "in_progress" },
      { title: "Expire attendee accounts three months after each conference", dueOn: "", status: "open" },
    ];
    for (const action of actions) {
      const res = await post(manager, `/incidents/${ref}/actions`, { ...action, ownerId: manager.user.id, notes: "" });
      assert.equal(res.status, 303, res.text.slice(0, 300));
      assert.equal(res.headers.location, `/incidents/${ref}/timeline#actions`);
    }
    const ssh = await t.db.prisma.remedialAction.findFirstOrThrow({ where: { title: "Enforce key-based SSH logins" } });
    assert.equal(ssh.dueOn, "2026-03-03");
    assert.equal(ssh.dueAt?.toISOString(), "2026-03-03T12:59:59.999Z", "midnight in Sydney (UTC+11)");
    assert.equal(ssh.ownerId, manager.user.id);
    const suspended = await t.db.prisma.remedialAction.findFirstOrThrow({ where: { title: "Suspend all non-admin accounts" } });
    assert.equal(suspended.completedAt?.toISOString(), t.clock.now().toISOString(), "added as done: completed now");
    const created = await lastAudit("remedial_action.create");
    assert.equal(created.incidentId, incident.id);
    assert.equal(created.after.owner, manager.user.email);

    const html = await render(actionsSection, viewer.user);
    assert.match(html, /Expire attendee accounts three months after each conference/);
    assert.match(html, /No due date/);
    assert.match(html, /Test manager/);
    assert.doesNotMatch(html, /Overdue/, "nothing is past its due day yet");
    assert.doesNotMatch(html, /<form/);
  });

  it("marks an action overdue once its due day has passed in the incident's zone", async () => {
    t.clock.advance(28 * 3600_000); // 2026-03-03T13:00Z: just past midnight in Sydney
    const html = await render(actionsSection, viewer.user);
    assert.match(html, /<strong class="badge-overdue">Overdue<\/strong> 1 action is past its due date\./);
    const sshRow = html.slice(html.indexOf("Enforce key-based SSH logins"), html.indexOf("Deploy log analysis"));
    assert.match(sshRow, /Overdue<\/strong> was due by the end of 2026-03-03/);
    const suspendRow = html.slice(html.indexOf("Suspend all non-admin accounts"));
    assert.doesNotMatch(suspendRow, /Overdue/, "a done action is never overdue");

    assert.deepEqual([...(await countOverdueActionsByIncident(t.db.prisma, t.clock.now()))], [[incident.id, 1]]);
    const overdue = await listOverdueActions(t.db.prisma, t.clock.now(), 10);
    assert.deepEqual(
      overdue.map((a) => [a.title, a.incident.reference, a.incident.title]),
      [["Enforce key-based SSH logins", ref, "Linux Australia conference server breach"]],
    );
  });

  it("completing an action records when, clears the overdue mark, and is audited with before/after", async () => {
    const ssh = await t.db.prisma.remedialAction.findFirstOrThrow({ where: { title: "Enforce key-based SSH logins" } });
    const editPage = await manager.agent.get(`/incidents/${ref}/actions/${ssh.id}/edit`);
    assert.equal(editPage.status, 200);
    assert.match(editPage.text, /value="2026-03-03"/);
    const res = await post(manager, `/incidents/${ref}/actions/${ssh.id}`, {
      title: ssh.title,
      ownerId: manager.user.id,
      dueOn: "2026-03-03",
      status: "done",
      notes: "PasswordAuthentication no on every host",
    });
    assert.equal(res.status, 303);
    const done = await t.db.prisma.remedialAction.findUniqueOrThrow({ where: { id: ssh.id } });
    assert.equal(done.completedAt?.toISOString(), t.clock.now().toISOString());
    const entry = await lastAudit("remedial_action.update");
    assert.deepEqual([entry.before.status, entry.before.completedAt], ["open", null]);
    assert.deepEqual([entry.after.status, entry.after.completedAt], ["done", t.clock.now().toISOString()]);
    assert.equal((await countOverdueActionsByIncident(t.db.prisma, t.clock.now())).size, 0);
    assert.doesNotMatch(await render(actionsSection, manager.user), /Overdue/);
  });

  it("keeps what was typed when an action's fields are bad", async () => {
    const badDay = await post(manager, `/incidents/${ref}/actions`, {
      title: "Rotate the database passwords",
      dueOn: "2026-02-30",
      status: "open",
      notes: "typed notes survive",
    });
    assert.equal(badDay.status, 400);
    assert.match(badDay.text, /Enter the due date as YYYY-MM-DD/);
    assert.match(badDay.text, /value="Rotate the database passwords"/);
    assert.match(badDay.text, /typed notes survive<\/textarea>/);
    const badOwner = await post(manager, `/incidents/${ref}/actions`, {
      title: "Someone else's job",
      ownerId: "nobody",
      status: "open",
    });
    assert.equal(badOwner.status, 400);
    assert.match(badOwner.text, /Choose an active user, or no one\./);
    assert.equal(await t.db.prisma.remedialAction.count({ where: { incidentId: incident.id } }), 4);
    assert.equal((await post(manager, `/incidents/BD-1999-0001/actions`, { title: "x", status: "open" })).status, 404);
  });

  it("lets an administrator add a category to the catalogue, but not a manager", async () => {
    const form = {
      name: "Dietary requirements",
      sensitivity: "special",
      harm: "Meal choices can reveal religion or health conditions.",
      advice: "Tell us if you are contacted about your dietary needs.",
    };
    const refused = await post(manager, "/admin/data-categories", form);
    assert.equal(refused.status, 403);
    const bad = await post(admin, "/admin/data-categories", { ...form, harm: "", sensitivity: "extreme" });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Describe the harm this data can cause\./);
    assert.match(bad.text, /value="Dietary requirements"/);
    const added = await post(admin, "/admin/data-categories", form);
    assert.equal(added.status, 303);
    assert.equal(added.headers.location, "/admin/data-categories#category-dietary_requirements");
    const category = await t.db.prisma.dataCategory.findUniqueOrThrow({ where: { id: "dietary_requirements" } });
    assert.deepEqual([category.sensitivity, category.isBuiltIn], ["special", false]);
    const entry = await lastAudit("data_category.create");
    assert.equal(entry.after.name, "Dietary requirements");
    assert.equal(entry.actorId, admin.user.id);
    const taken = await post(admin, "/admin/data-categories", { ...form, name: "dietary REQUIREMENTS" });
    assert.equal(taken.status, 409);
    assert.match(taken.text, /This name is taken\./);

    const asAdmin = await admin.agent.get("/admin/data-categories");
    assert.match(asAdmin.text, /<form method="post" action="\/admin\/data-categories"/);
    const asViewer = await viewer.agent.get("/admin/data-categories");
    assert.equal(asViewer.status, 200);
    assert.match(asViewer.text, /Dietary requirements/);
    assert.match(asViewer.text, /Password hashes/);
    assert.doesNotMatch(asViewer.text, /action="\/admin\/data-categories"/);
  });

  it("gives a viewer no forms and refuses every change with 403", async () => {
    const system = await t.db.prisma.affectedSystem.findFirstOrThrow({ where: { incidentId: incident.id } });
    const action = await t.db.prisma.remedialAction.findFirstOrThrow({ where: { incidentId: incident.id } });
    const before = await t.db.prisma.auditEntry.count();
    for (const path of [
      `/incidents/${ref}/systems`,
      `/incidents/${ref}/systems/${system.id}`,
      `/incidents/${ref}/data`,
      `/incidents/${ref}/data/email_address`,
      `/incidents/${ref}/data/email_address/remove`,
      `/incidents/${ref}/actions`,
      `/incidents/${ref}/actions/${action.id}`,
      "/admin/data-categories",
    ]) {
      const res = await post(viewer, path, { name: "x", title: "x", categoryId: "health", status: "open", confirm: "yes" });
      assert.equal(res.status, 403, path);
    }
    for (const path of [
      `/incidents/${ref}/systems/${system.id}/edit`,
      `/incidents/${ref}/data/email_address/edit`,
      `/incidents/${ref}/actions/${action.id}/edit`,
    ]) {
      assert.equal((await viewer.agent.get(path)).status, 403, path);
    }
    assert.equal(await t.db.prisma.auditEntry.count(), before, "nothing changed");
    for (const section of [systemsSection, dataSection, actionsSection]) {
      assert.doesNotMatch(await render(section, viewer.user), /<form|<input|<select|<textarea/, section.id);
    }
  });

  it("audited every change, edits with before and after, in an unbroken chain", async () => {
    const entries = await t.db.prisma.auditEntry.findMany({ where: { incidentId: incident.id } });
    const count = (action: string) => entries.filter((e) => e.action === action).length;
    assert.equal(count("affected_system.create"), 2);
    assert.equal(count("affected_system.update"), 1);
    assert.equal(count("incident_data.add"), 6);
    assert.equal(count("incident_data.update"), 2);
    assert.equal(count("incident_data.remove"), 1);
    assert.equal(count("remedial_action.create"), 4);
    assert.equal(count("remedial_action.update"), 1);
    for (const entry of entries.filter((e) => e.action.endsWith(".update"))) {
      assert.ok(entry.before && entry.after, `${entry.action} keeps before and after`);
    }
    assert.equal((await verifyAuditChain(t.db)).break, null);
  });
});
