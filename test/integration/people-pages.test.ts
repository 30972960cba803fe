import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Incident } from "../../src/generated/sqlite/client.js";
import { addIncidentData } from "../../src/modules/data-categories/incident-data.service.js";
import {
  DELETE_IMPORT_PEOPLE_JOB,
  type DeleteImportPayload,
  runImportPeopleDeletion,
} from "../../src/modules/people/person-deletion.service.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { testLane } from "../helpers/db.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;
const system = { userId: null, label: "test", ip: null };

/**
 * The incident's people pages on a real database: the counts, every filter, keyset paging,
 * bad input, a person's page, deleting a person and an import's people, for every role.
 */
describe(`people pages (${testLane})`, () => {
  let t: TestApp;
  let manager: Client;
  let viewer: Client;
  let incident: Incident;
  let other: Incident;
  let importA: string;
  let importB: string;
  let path: string;

  async function addImport(incidentId: string, fileName: string, status = "completed") {
    const now = t.clock.now();
    const row = await t.db.prisma.personImport.create({
      data: {
        id: `${fileName.replace(/\W/g, "-")}-${Math.random().toString(36).slice(2, 8)}`,
        incidentId,
        fileName,
        filePath: `/nonexistent/${fileName}`,
        status,
        createdAt: now,
        updatedAt: now,
      },
    });
    return row.id;
  }

  /**
   * 120 people: ids p000..p119 (unique keys in the same order), a third at risk, a third not,
   * a third not assessed; every tenth without an email; countries AU (NSW, VIC), NZ and none;
   * p000-p009 with their own categories; the even ones written by import A, the odd by B.
   */
  async function seedPeople() {
    const now = t.clock.now();
    const rows = Array.from({ length: 120 }, (_, i) => {
      const n = String(i).padStart(3, "0");
      const hasEmail = i % 10 !== 0;
      const country = i % 4 === 3 ? null : i % 4 === 2 ? "NZ" : "AU";
      return {
        id: `person-${n}`,
        incidentId: incident.id,
        uniqueKey: hasEmail ? `email:person${n}@example.org` : `ext:X${n}`,
        externalId: hasEmail ? null : `X${n}`,
        givenName: i === 7 ? "Zoë" : `Given${n}`,
        familyName: i === 42 ? "O'Brien_100%" : `Family${n}`,
        email: hasEmail ? `Person${n}@Example.org` : null,
        emailNormalized: hasEmail ? `person${n}@example.org` : null,
        country,
        region: country === "AU" ? (i % 2 === 0 ? "AU-NSW" : "AU-VIC") : null,
        isAtRisk: i % 3 === 0 ? true : i % 3 === 1 ? false : null,
        categoryIds: i < 10 ? JSON.stringify(i < 5 ? ["email_address"] : ["email_address", "password_hashes"]) : null,
        attributes: JSON.stringify({ "Shoe size": String(36 + (i % 10)), Member: "since 2015" }),
        importId: i % 2 === 0 ? importA : importB,
        createdAt: now,
        updatedAt: now,
      };
    });
    await t.db.prisma.person.createMany({ data: rows });
    // Someone of another incident with a name that matches every search below.
    await t.db.prisma.person.create({
      data: {
        id: "outsider",
        incidentId: other.id,
        uniqueKey: "email:person001@example.org",
        givenName: "Given001",
        familyName: "Family001",
        email: "person001@example.org",
        emailNormalized: "person001@example.org",
        country: "AU",
        importId: await addImport(other.id, "theirs.csv"),
        createdAt: now,
        updatedAt: now,
      },
    });
  }

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
    incident = await addIncident(t);
    other = await addIncident(t, { title: "Another incident" });
    for (const categoryId of ["email_address", "password_hashes", "identity"]) {
      await addIncidentData(t.deps, incident.reference, { categoryId, details: "", encrypted: "no" }, system);
    }
    importA = await addImport(incident.id, "attendees-a.csv");
    importB = await addImport(incident.id, "attendees-b.csv");
    await seedPeople();
    path = `/incidents/${incident.reference}/people`;
  });
  after(() => t.close());

  const count = (html: string, name: string) => html.match(new RegExp(`data-count="${name}">([\\d,]+)<`))?.[1];
  /** The person ids linked from the list, in order. */
  const listed = (html: string) => [...html.matchAll(/people\/(person-\d{3})"/g)].map((m) => m[1]!);
  const nextLink = (html: string) => html.match(/href="([^"]+)" rel="next"/)?.[1]?.replace(/&amp;/g, "&");
  const prevLink = (html: string) => html.match(/href="([^"]+)" rel="prev"/)?.[1]?.replace(/&amp;/g, "&");

  it("is linked from the incident's People section", async () => {
    const page = await viewer.agent.get(`/incidents/${incident.reference}/scope`);
    assert.match(page.text, new RegExp(`href="${path}"`));
  });

  it("counts the people by risk, e-mail, country, region and data category", async () => {
    const res = await viewer.agent.get(path);
    assert.equal(res.status, 200);
    assert.match(res.text, /120 affected people/);
    assert.equal(count(res.text, "at-risk"), "40");
    assert.equal(count(res.text, "not-at-risk"), "40");
    assert.equal(count(res.text, "risk-unknown"), "40");
    assert.equal(count(res.text, "with-email"), "108");
    assert.equal(count(res.text, "without-email"), "12");
    assert.equal(count(res.text, "country-AU"), "60");
    assert.equal(count(res.text, "country-NZ"), "30");
    assert.equal(count(res.text, "country-none"), "30");
    assert.equal(count(res.text, "place-AU-AU-NSW"), "30");
    assert.equal(count(res.text, "place-AU-AU-VIC"), "30");
    // 110 people have all three of the incident's categories; p000-p004 e-mail only, p005-p009 e-mail and passwords.
    assert.equal(count(res.text, "category-email_address"), "120");
    assert.equal(count(res.text, "category-password_hashes"), "115");
    assert.equal(count(res.text, "category-identity"), "110");
    assert.equal(count(res.text, "matching"), undefined, "the unfiltered count is a sentence");
    assert.match(res.text, /120 people, by external id or email address/);
  });

  it("pages through everyone with Next and back with Previous, each person once", async () => {
    const first = await viewer.agent.get(path);
    const page1 = listed(first.text);
    assert.equal(page1.length, 50);
    assert.equal(prevLink(first.text), undefined);
    const second = await viewer.agent.get(nextLink(first.text)!);
    const page2 = listed(second.text);
    const third = await viewer.agent.get(nextLink(second.text)!);
    const page3 = listed(third.text);
    assert.equal(page3.length, 20);
    assert.equal(nextLink(third.text), undefined, "the last page has no Next");
    const everyone = [...page1, ...page2, ...page3];
    assert.equal(new Set(everyone).size, 120);
    // Unique-key order: e-mail keys before external-id keys ("email:" < "ext:").
    const keys = await t.db.prisma.person.findMany({
      where: { incidentId: incident.id },
      orderBy: { uniqueKey: "asc" },
      select: { id: true },
    });
    assert.deepEqual(
      everyone,
      keys.map((k) => k.id),
    );
    const back = await viewer.agent.get(prevLink(third.text)!);
    assert.deepEqual(listed(back.text), page2);
    const backAgain = await viewer.agent.get(prevLink(back.text)!);
    assert.deepEqual(listed(backAgain.text), page1);
    assert.equal(prevLink(backAgain.text), undefined, "the first page, reached backwards, has no Previous");
    assert.ok(nextLink(backAgain.text));
  });

  it("filters by country, region, category, risk, e-mail and import, keeping the filter across pages", async () => {
    const cases: [string, number][] = [
      ["country=AU", 60],
      ["country=au", 60],
      ["country=none", 30],
      ["country=AU&region=AU-VIC", 30],
      ["region=none", 60],
      ["category=password_hashes", 115],
      ["category=identity", 110],
      ["atRisk=yes", 40],
      ["atRisk=unknown", 40],
      ["hasEmail=no", 12],
      [`import=${importB}`, 60],
      [`import=${importA}&atRisk=yes&hasEmail=yes`, 16],
    ];
    for (const [query, expected] of cases) {
      const res = await viewer.agent.get(`${path}?${query}`);
      assert.equal(res.status, 200, query);
      const shown = Math.min(expected, 50);
      assert.equal(listed(res.text).length, shown, query);
      assert.match(res.text, new RegExp(`${expected} (person matches|people match)`), query);
    }
    const au = await viewer.agent.get(`${path}?country=AU`);
    const next = nextLink(au.text)!;
    assert.match(next, /country=AU/);
    const second = await viewer.agent.get(next);
    assert.equal(listed(second.text).length, 10);
    const rows = await t.db.prisma.person.findMany({ where: { id: { in: listed(second.text) } } });
    assert.ok(rows.every((p) => p.country === "AU"));
  });

  it("searches names, e-mail addresses and external ids in any letter case, wildcards taken literally", async () => {
    const search = async (q: string) => {
      const res = await viewer.agent.get(`${path}?q=${encodeURIComponent(q)}`);
      assert.equal(res.status, 200, q);
      return listed(res.text);
    };
    assert.deepEqual(await search("given001"), ["person-001"], "not the other incident's person");
    assert.deepEqual(await search("GIVEN001 family001"), ["person-001"], "the full name");
    assert.deepEqual(await search("PERSON011@example"), ["person-011"]);
    assert.deepEqual(await search("x020"), ["person-020"], "an external id");
    assert.deepEqual(await search("zoë"), ["person-007"]);
    assert.deepEqual(await search("100%"), ["person-042"], "% is a literal");
    assert.deepEqual(await search("n_1"), ["person-042"], "_ is a literal: only O'Brien_100% has one");
    assert.deepEqual(await search("o'brien"), ["person-042"]);
    assert.deepEqual(await search("'; DROP TABLE person; --"), []);
    assert.deepEqual(await search("\\"), []);
    const page = await viewer.agent.get(`${path}?q=${encodeURIComponent("<script>alert(1)</script>")}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /<script>alert/);
    assert.match(page.text, /No one matches/);
    assert.equal(await t.db.prisma.person.count({ where: { incidentId: incident.id } }), 120);
  });

  it("refuses filter values it cannot use with a message per field, never a server error", async () => {
    const cases: [string, RegExp][] = [
      ["country=Australia", /two-letter country code/],
      ["country=ZZZ", /two-letter country code/],
      ["atRisk=maybe", /Use yes, no or unknown/],
      ["hasEmail=perhaps", /Use yes or no/],
      ["category=no_such_category", /does not record that data category/],
      ["category=email_address%00", /control and invisible formatting characters/],
      ["import=not-an-import", /no such import/],
      ["import=../../etc", /Choose an import/],
      [`q=${"x".repeat(201)}`, /at most 200 characters/],
      ["q=a%00b", /control and invisible formatting characters/],
      ["q=one&q=two", /Give q once/],
      ["after=no-such-person", /no longer in the list/],
      ["after=%27%3B--", /page link is not valid/],
      ["after=person-001&before=person-002", /page link is not valid/],
    ];
    for (const [query, message] of cases) {
      const res = await viewer.agent.get(`${path}?${query}`);
      assert.equal(res.status, 400, query);
      assert.match(res.text, message, query);
      assert.match(res.text, /Correct the filter to see the list/, query);
      assert.match(res.text, /120 affected people/, `${query}: the counts are still shown`);
    }
    // A person of another incident is not a cursor of this one.
    const foreign = await viewer.agent.get(`${path}?after=outsider`);
    assert.equal(foreign.status, 400);
    const otherImport = await addImport(other.id, "also-theirs.csv");
    const res = await viewer.agent.get(`${path}?import=${otherImport}`);
    assert.equal(res.status, 400);
    assert.match(res.text, /no such import/);
  });

  it("shows a person with all their data, categories by name and the import that wrote them", async () => {
    const res = await viewer.agent.get(`${path}/person-005`);
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Given005 Family005<\/h1>/);
    assert.match(res.text, /Person005@Example\.org/);
    assert.match(res.text, /E-mail addresses, Password hashes/);
    assert.match(res.text, /<th scope="row">Shoe size<\/th><td>41<\/td>/);
    assert.match(res.text, /<th scope="row">Member<\/th><td>since 2015<\/td>/);
    assert.match(res.text, new RegExp(`href="${path}/imports/${importB}">attendees-b\\.csv</a>`));
    assert.match(res.text, /AU-VIC/);
    assert.match(res.text, /Not assessed/);
    assert.doesNotMatch(res.text, /Delete this person/, "a viewer gets no delete link");
    const all = await viewer.agent.get(`${path}/person-020`);
    assert.match(all.text, /All of the incident's: Password hashes, Names and identity details, E-mail addresses/);
    assert.match(all.text, /None usable: they need another channel/);
    assert.equal((await viewer.agent.get(`${path}/outsider`)).status, 404, "another incident's person");
    assert.equal((await viewer.agent.get(`${path}/no-such-person`)).status, 404);
    assert.equal((await viewer.agent.get(`/incidents/BD-1999-9999/people`)).status, 404);
  });

  it("deletes a person after a confirmation, for managers only, audited with the key alone", async () => {
    const confirmPath = `${path}/person-011/delete`;
    assert.equal((await viewer.agent.get(confirmPath)).status, 403);
    const viewerPost = await viewer.agent
      .post(confirmPath)
      .type("form")
      .send({ _csrf: csrfFrom((await viewer.agent.get(path)).text) });
    assert.equal(viewerPost.status, 403);
    const noToken = await manager.agent.post(confirmPath).type("form").send({});
    assert.equal(noToken.status, 403, "CSRF");
    assert.ok(await t.db.prisma.person.findUnique({ where: { id: "person-011" } }));

    const personPage = await manager.agent.get(`${path}/person-011`);
    assert.match(personPage.text, new RegExp(`href="${confirmPath}"`));
    const confirm = await manager.agent.get(confirmPath);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text, /Delete Given011 Family011\?/);
    const done = await manager.agent
      .post(confirmPath)
      .type("form")
      .send({ _csrf: csrfFrom(confirm.text) });
    assert.equal(done.status, 303);
    assert.equal(done.headers.location, path);
    assert.equal(await t.db.prisma.person.findUnique({ where: { id: "person-011" } }), null);
    const list = await manager.agent.get(path);
    assert.match(list.text, /Given011 Family011 is deleted from/);
    assert.match(list.text, /119 affected people/);

    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "person.delete", entityId: "person-011" } });
    assert.equal(entry.incidentId, incident.id);
    assert.equal(entry.actorId, manager.user.id);
    const before = JSON.parse(entry.before!);
    assert.equal(before.uniqueKey, "email:person011@example.org");
    assert.doesNotMatch(entry.before!, /Given011|Family011|Shoe/);
    assert.equal(entry.after, null);

    const again = await manager.agent
      .post(confirmPath)
      .type("form")
      .send({ _csrf: csrfFrom(confirm.text) });
    assert.equal(again.status, 404, "deleted already");
  });

  it("deletes an import's people in batches after a confirmation that counts them, audited with the count", async () => {
    const deletePath = `${path}/imports/${importB}/delete`;
    const list = await manager.agent.get(path);
    assert.match(list.text, new RegExp(`href="${deletePath}"`));
    assert.doesNotMatch((await viewer.agent.get(path)).text, /Delete its people/);
    assert.equal((await viewer.agent.get(deletePath)).status, 403);

    const left = await t.db.prisma.person.count({ where: { importId: importB } });
    assert.equal(left, 59, "60 less person-011");
    const confirm = await manager.agent.get(deletePath);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text, /data-count="remaining">59</);
    const csrf = csrfFrom(confirm.text);

    const unticked = await manager.agent.post(deletePath).type("form").send({ _csrf: csrf });
    assert.equal(unticked.status, 400);
    assert.match(unticked.text, /Tick the box/);
    assert.equal(await t.db.prisma.job.count({ where: { kind: DELETE_IMPORT_PEOPLE_JOB } }), 0);

    const requested = await manager.agent.post(deletePath).type("form").send({ _csrf: csrf, confirm: "yes" });
    assert.equal(requested.status, 303);
    assert.equal(requested.headers.location, deletePath);
    const progress = await manager.agent.get(deletePath);
    assert.match(progress.text, /Deleting the 59 people of attendees-b\.csv/);
    assert.match(progress.text, /http-equiv="refresh"/);
    const twice = await manager.agent.post(deletePath).type("form").send({ _csrf: csrf, confirm: "yes" });
    assert.equal(twice.status, 409);
    assert.match(twice.text, /being deleted already/);
    const jobs = await t.db.prisma.job.findMany({ where: { kind: DELETE_IMPORT_PEOPLE_JOB } });
    assert.equal(jobs.length, 1);
    const request = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "person_import.delete_people" } });
    assert.equal(request.incidentId, incident.id);
    assert.equal(JSON.parse(request.after!).count, 59);

    // A run stopped by the worker deletes what it did, audits it, and throws so the job runs again.
    const payload = JSON.parse(jobs[0]!.payload) as DeleteImportPayload;
    const stopped = new AbortController();
    stopped.abort();
    await assert.rejects(runImportPeopleDeletion({ db: t.db, clock: t.clock }, payload, stopped.signal, 7), /59 left/);
    const result = await runImportPeopleDeletion({ db: t.db, clock: t.clock }, payload, undefined, 7);
    assert.deepEqual(result, { deleted: 59, remaining: 0 });
    assert.equal(await t.db.prisma.person.count({ where: { importId: importB } }), 0);
    assert.equal(await t.db.prisma.person.count({ where: { incidentId: incident.id } }), 60, "import A's people are kept");
    assert.ok(await t.db.prisma.person.findUnique({ where: { id: "outsider" } }), "another incident's are kept");
    const runs = await t.db.prisma.auditEntry.findMany({
      where: { action: "person_import.people_deleted" },
      orderBy: { seq: "asc" },
    });
    assert.deepEqual(
      runs.map((r) => ({ deleted: JSON.parse(r.after!).deleted, remaining: JSON.parse(r.after!).remaining, actor: r.actorId })),
      [
        { deleted: 0, remaining: 59, actor: manager.user.id },
        { deleted: 59, remaining: 0, actor: manager.user.id },
      ],
    );

    await t.db.prisma.job.updateMany({ where: { kind: DELETE_IMPORT_PEOPLE_JOB }, data: { status: "done" } });
    const finished = await manager.agent.get(deletePath);
    assert.match(finished.text, /No one is left whose last import is this one/);
    const nothing = await manager.agent.post(deletePath).type("form").send({ _csrf: csrf, confirm: "yes" });
    assert.equal(nothing.status, 409);
    assert.match(nothing.text, /nothing to delete/);
  });

  it("refuses to delete the people of an import that is still running", async () => {
    const running = await addImport(incident.id, "running.csv", "running");
    await t.db.prisma.person.updateMany({ where: { id: { in: ["person-000", "person-002"] } }, data: { importId: running } });
    const deletePath = `${path}/imports/${running}/delete`;
    const page = await manager.agent.get(deletePath);
    assert.match(page.text, /This import is still running/);
    const res = await manager.agent
      .post(deletePath)
      .type("form")
      .send({ _csrf: csrfFrom(page.text), confirm: "yes" });
    assert.equal(res.status, 409);
    assert.match(res.text, /still running/);
    assert.equal(await t.db.prisma.person.count({ where: { importId: running } }), 2);
    assert.equal((await manager.agent.get(`${path}/imports/no-such-import/delete`)).status, 404);
  });
});
