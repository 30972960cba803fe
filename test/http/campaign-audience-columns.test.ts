import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { audienceCondition, parseAudience } from "../../src/modules/campaigns/campaign-audience.policy.js";
import { countAudience } from "../../src/modules/campaigns/campaigns.repository.js";
import { importPeopleFile } from "../../src/modules/people/import.service.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addNoticeTemplate } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

/**
 * An audience chosen by an imported column (issue 13, item 4): "the 2014 PyCon AU attendees"
 * on the campaign form and through the API, counted by the same SQL on both databases, over
 * attributes as JSON.stringify, SQLite's json_patch and PostgreSQL's jsonb write them.
 */
describe(`campaign audience by imported column (${testLane})`, () => {
  let t: TestApp;
  let manager: Client;
  let reference: string;
  let incidentId: string;
  let templateId: string;
  const dir = mkdtempSync(join(tmpdir(), "breachdesk-audience-"));

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    const incident = await addIncident(t);
    reference = incident.reference;
    incidentId = incident.id;
    templateId = (await addNoticeTemplate(t.db, incidentId)).templateId;
    const file = (name: string, rows: string[]) => {
      const path = join(dir, name);
      writeFileSync(path, `Email,Name,Conference,Shirt\n${rows.join("\n")}\n`);
      return importPeopleFile({ db: t.db, clock: t.clock }, { incidentId, filePath: path });
    };
    await file("lca.csv", [
      "ada@example.org,Ada King,PyCon AU 2014,M",
      "bob@example.org,Bob Jones,linux.conf.au 2015,L",
      'cy@example.org,Cy "Q" Lee,PyCon AU 2014,S',
      "di@example.org,Di Wu,PyCon AU 2013,S",
      "eve@example.org,Eve 100%,PYCON au 2014,",
    ]);
    // A second file merges into Ada and Bob: their attributes are rewritten by the database's merge.
    await file("lca-again.csv", ["ada@example.org,,,XL", "bob@example.org,,PyCon AU 2014,"]);
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = async (attributes: { name: string; values: string[] }[]) => {
    const audience = parseAudience(JSON.stringify({ attributes }));
    return (await countAudience(t.db.prisma, audienceCondition(incidentId, audience))).total;
  };

  it("counts the people whose column holds one of the values, in any letter case, merged or not", async () => {
    const merged = await t.db.prisma.person.findFirstOrThrow({ where: { incidentId, emailNormalized: "ada@example.org" } });
    assert.deepEqual(JSON.parse(merged.attributes), { Conference: "PyCon AU 2014", Shirt: "XL" });
    assert.equal(await count([{ name: "Conference", values: ["PyCon AU 2014"] }]), 4, "Ada, Bob (moved), Cy, Eve");
    assert.equal(await count([{ name: "conference", values: ["pycon au 2013", "linux.conf.au 2015"] }]), 1, "Di; Bob moved");
    assert.equal(
      await count([
        { name: "Conference", values: ["PyCon AU 2014"] },
        { name: "Shirt", values: ["S"] },
      ]),
      1,
      "Cy: every filter must hold",
    );
    assert.equal(await count([{ name: "Conference", values: ["PyCon AU"] }]), 0, "the whole value, not a part");
    assert.equal(await count([{ name: "Conference", values: ["PyCon AU 201_"] }]), 0, "wildcards are literal");
    assert.equal(await count([{ name: "Shirt", values: ["PyCon AU 2014"] }]), 0, "the value of that column only");
  });

  it("creates a campaign for one conference's attendees from the form, and refuses a column no import kept", async () => {
    const form = await manager.agent.get(`/incidents/${reference}/campaigns/new`);
    assert.match(form.text, /<option value="Conference">Conference<\/option>/);
    assert.match(form.text, /<option value="Shirt">Shirt<\/option>/);
    const post = (fields: Record<string, string>) =>
      manager.agent
        .post(`/incidents/${reference}/campaigns`)
        .type("form")
        .send({ _csrf: csrfFrom(form.text), name: "PyCon AU 2014", templateId, when: "now", ...fields });

    const typo = await post({ attributeName: "Confrence", attributeValues: "PyCon AU 2014" });
    assert.equal(typo.status, 400);
    assert.match(typo.text, /No imported column is named “Confrence”\. The columns kept are: Conference, Shirt\./);
    const noValue = await post({ attributeName: "Conference", attributeValues: "  \r\n" });
    assert.equal(noValue.status, 400);
    assert.match(noValue.text, /Write the value of “Conference” the people must have, one per line\./);

    const created = await post({ attributeName: "Conference", attributeValues: "PyCon AU 2014\r\n" });
    assert.equal(created.status, 303, created.text.slice(0, 300));
    const page = await manager.agent.get(created.headers.location as string);
    assert.match(page.text, /People whose Conference is “PyCon AU 2014”: <span data-count="audience">4<\/span> people today/);
    const campaign = await t.db.prisma.campaign.findFirstOrThrow({ where: { incidentId, name: "PyCon AU 2014" } });
    assert.deepEqual(JSON.parse(campaign.audience).attributes, [{ name: "Conference", values: ["PyCon AU 2014"] }]);
  });

  it("takes the same filter through the API, in either shape", async () => {
    const { token } = await createApiToken(t.deps, manager.user.id, { name: "script" }, { userId: null, label: "t", ip: null });
    const api = supertest(t.app);
    const create = (audience: unknown) =>
      api
        .post(`/api/v1/incidents/${reference}/campaigns`)
        .set("Authorization", `Bearer ${token}`)
        .send({ name: "API", templateId, audience });
    const byObject = await create({ attributes: { Conference: "PyCon AU 2013" } });
    assert.equal(byObject.status, 201, byObject.text);
    assert.deepEqual(byObject.body.audience.attributes, [{ name: "Conference", values: ["PyCon AU 2013"] }]);
    assert.equal(byObject.body.audience.description, "People whose Conference is “PyCon AU 2013”");
    const byList = await create({ attributes: [{ name: "Shirt", values: ["S", "M"] }] });
    assert.equal(byList.status, 201, byList.text);
    const unknown = await create({ attributes: { Confrence: "PyCon AU 2014" } });
    assert.equal(unknown.status, 400);
    assert.match(JSON.stringify(unknown.body.error), /No imported column is named “Confrence”/);
  });
});
