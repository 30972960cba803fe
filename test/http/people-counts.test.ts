import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { runPeopleImport } from "../../src/modules/people/people-import.job.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addPeople } from "../helpers/campaigns.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

/** The people counts of the incident page's section and the people page's heading. */
async function shownCounts(client: Client, reference: string) {
  const section = (await client.agent.get(`/incidents/${reference}/scope`)).text;
  const page = (await client.agent.get(`/incidents/${reference}/people`)).text;
  return {
    section: Number(/data-count="people-total">(\d+)</.exec(section)?.[1] ?? "0"),
    withEmail: Number(/data-count="people-with-email">(\d+)</.exec(section)?.[1] ?? "0"),
    page: Number(/<h2 id="people-counts-title">(\d+) affected/.exec(page)?.[1] ?? "0"),
  };
}

describe("people counts kept between requests", () => {
  let t: TestApp;
  let manager: Client;

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
  });
  after(() => t.close());

  it("counts once, and again as soon as people are deleted or imported here", async () => {
    const incident = await addIncident(t);
    const ref = incident.reference;
    const [first, second] = await addPeople(t.db, incident.id, 3, (i) => ({ email: i === 2 ? null : undefined }));
    assert.deepEqual(await shownCounts(manager, ref), { section: 3, withEmail: 2, page: 3 });

    // A change made behind the app's back (another process) is not counted on each request:
    // the counts are kept, for at most COUNTS_TTL_MS.
    await t.db.prisma.person.delete({ where: { id: first! } });
    assert.deepEqual(await shownCounts(manager, ref), { section: 3, withEmail: 2, page: 3 });

    // A person deleted through the app: counted again at once.
    const personPath = `/incidents/${ref}/people/${second}`;
    const confirm = await manager.agent.get(`${personPath}/delete`);
    const deleted = await manager.agent
      .post(`${personPath}/delete`)
      .type("form")
      .send({ _csrf: csrfFrom(confirm.text) });
    assert.equal(deleted.status, 303, deleted.text);
    assert.deepEqual(await shownCounts(manager, ref), { section: 1, withEmail: 0, page: 1 });

    // People imported (here, or by a worker of its own: the import's record moves): counted again at once.
    const csv = "Email,Given name\r\nalice@example.org,Alice\r\nbob@example.org,Bob\r\n";
    const page = await manager.agent.get(`/incidents/${ref}`);
    const uploaded = await manager.agent
      .post(`/incidents/${ref}/people/import`)
      .field("_csrf", csrfFrom(page.text))
      .attach("file", Buffer.from(csv), "people.csv");
    const importPath = uploaded.headers.location as string;
    const mapping = await manager.agent.get(importPath);
    const started = await manager.agent
      .post(`${importPath}/start`)
      .type("form")
      .send({ _csrf: csrfFrom(mapping.text) });
    assert.equal(started.status, 303, started.text);
    await runPeopleImport({ db: t.db, clock: t.clock }, importPath.split("/").pop()!);
    assert.deepEqual(await shownCounts(manager, ref), { section: 3, withEmail: 2, page: 3 });
  });
});
