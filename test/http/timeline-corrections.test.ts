import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { newId } from "../../src/lib/ids.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

function eventForm(description: string) {
  return {
    kind: "detection",
    description,
    occurredAt: "2026-03-01T09:15",
    occurredAtZone: "Australia/Sydney",
    visibility: "internal",
  };
}

async function addEvent(client: Client, reference: string, description: string) {
  const token = csrfFrom((await client.agent.get(`/incidents/${reference}/events`)).text);
  const res = await client.agent
    .post(`/incidents/${reference}/events`)
    .type("form")
    .send({ _csrf: token, ...eventForm(description) });
  assert.equal(res.status, 303, res.text);
}

describe("timeline corrections", () => {
  let t: TestApp;
  let manager: Client;
  let viewer: Client;

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
  });
  after(() => t.close());

  it("links each entry to a correction form of its own, filled with the entry's values", async () => {
    const incident = await addIncident(t);
    const ref = incident.reference;
    for (const description of ["First alert", "Second alert", "Third alert"]) await addEvent(manager, ref, description);
    const second = await t.db.prisma.timelineEvent.findFirstOrThrow({
      where: { incidentId: incident.id, description: "Second alert" },
    });
    const correctionPath = `/incidents/${ref}/events/${second.id}/corrections`;

    // The timeline page carries one event form (to add one) and a link per entry, not a form per entry.
    const page = await manager.agent.get(`/incidents/${ref}/timeline`);
    assert.equal(page.status, 200);
    assert.equal((page.text.match(/<form method="post" action="[^"]*\/events[^"]*"/g) ?? []).length, 1);
    assert.equal((page.text.match(/>Correct entry \d<\/a>/g) ?? []).length, 3);
    assert.match(page.text, new RegExp(`<a href="${correctionPath}">Correct entry \\d</a>`));
    assert.doesNotMatch((await viewer.agent.get(`/incidents/${ref}/timeline`)).text, /Correct entry/);

    const form = await manager.agent.get(correctionPath);
    assert.equal(form.status, 200);
    assert.match(form.text, /Correct an entry of/);
    assert.match(form.text, new RegExp(`<form method="post" action="${correctionPath}"`));
    assert.match(form.text, /<textarea[^>]*name="description"[^>]*>Second alert<\/textarea>/);
    assert.match(form.text, /name="occurredAt" type="datetime-local" value="2026-03-01T09:15"/);
    assert.match(form.text, /<option value="Australia\/Sydney" selected>/);
    const posted = await manager.agent
      .post(correctionPath)
      .type("form")
      .send({ _csrf: csrfFrom(form.text), ...eventForm("Second alert, corrected") });
    assert.equal(posted.status, 303, posted.text);
    const correction = await t.db.prisma.timelineEvent.findFirstOrThrow({ where: { correctsId: second.id } });
    assert.equal(correction.description, "Second alert, corrected");

    assert.equal((await viewer.agent.get(correctionPath)).status, 403);
    assert.equal((await manager.agent.get(`/incidents/${ref}/events/${newId()}/corrections`)).status, 404);
  });
});
