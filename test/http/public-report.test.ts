import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { systemActor } from "../../src/modules/audit/index.js";
import { loadIncidentCoverage, recordPeopleTold } from "../../src/modules/ledger/index.js";
import { addTimelineEvent } from "../../src/modules/timeline/index.js";
import { createTestApp, signedIn, type TestApp } from "../helpers/app.js";
import { addPeople } from "../helpers/campaigns.js";
import { addIncident } from "../helpers/incidents.js";
import { ensureOrganisationSender } from "../helpers/organisation.js";

const INTERNAL = "Attacker used the backup account's SSH key (internal only)";
const PUBLIC_ENTRY = "ApacheCon host found compromised";
const CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The public report: draft, publish, versions, feed, take down, the strict CSP, told by public statement, the API. */
describe("public report", () => {
  let t: TestApp;
  let manager: Awaited<ReturnType<typeof signedIn>>;
  let ref: string;
  let incidentId: string;
  let base: string;
  let token: string;
  let viewerToken: string;
  const anonymous = () => supertest(t.app);
  const post = (path: string, form: Record<string, string>) => manager.post(path, form, base);

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    const viewer = await signedIn(t, "viewer");
    await ensureOrganisationSender(t.db, { contactEmail: "security@example.org", website: "https://example.org" });
    const incident = await addIncident(t, { title: "Apache infrastructure compromise" });
    ref = incident.reference;
    incidentId = incident.id;
    base = `/incidents/${ref}/public-report`;
    for (const [description, visibility, occurredAt] of [
      [PUBLIC_ENTRY, "public", "2026-03-01 10:00"],
      [INTERNAL, "internal", "2026-03-01 11:00"],
      ["Services moved to clean hosts", "public", "2026-03-01 12:00"],
    ] as const) {
      await addTimelineEvent(
        t.deps,
        ref,
        { kind: "note", description, occurredAt, occurredAtZone: "UTC", visibility },
        systemActor,
      );
    }
    await post(`/incidents/${ref}/systems`, {
      name: "dv35.apachecon.com",
      role: "ApacheCon website",
      status: "compromised",
      isPublic: "on",
    });
    await post(`/incidents/${ref}/systems`, { name: "backup-host-internal", role: "backups", status: "suspected" });
    token = (await createApiToken(t.deps, manager.user.id, { name: "checks" }, systemActor)).token;
    viewerToken = (await createApiToken(t.deps, viewer.user.id, { name: "viewer" }, systemActor)).token;
  });
  after(() => t.close());

  let url = "";

  it("keeps a draft off the public until it is published, and refuses to publish without a tick", async () => {
    const saved = await post(base, {
      kind: "post_incident",
      title: "Apache.org incident report",
      narrative: "Our servers were attacked.",
      whatHappened: "A local root exploit.",
      howFound: "Monitoring alerts.",
    });
    assert.equal(saved.status, 303);
    const editor = await manager.agent.get(base);
    assert.equal(editor.status, 200);
    assert.match(editor.text, /Our servers were attacked\./);
    assert.match(editor.text, /2 public timeline entries, 1 system/);
    const report = await t.db.prisma.publicReport.findUniqueOrThrow({ where: { incidentId } });
    assert.match(report.slug, /^[A-Za-z0-9_-]{22}$/);
    assert.equal((await anonymous().get(`/public/${report.slug}`)).status, 404);
    const refused = await post(`${base}/publish`, {});
    assert.equal(refused.status, 400);
    assert.match(refused.text, /Tick the box to confirm/);
    assert.equal(await t.db.prisma.publicReportVersion.count(), 0);
  });

  it("publishes a version readable without signing in, under a strict CSP, with the public entries and none of the internal ones", async () => {
    const published = await post(`${base}/publish`, { confirm: "yes" });
    assert.equal(published.status, 303);
    const report = await t.db.prisma.publicReport.findUniqueOrThrow({ where: { incidentId } });
    url = `/public/${report.slug}`;
    assert.ok(!url.includes(ref), "the address does not carry the internal reference");
    const page = await anonymous().get(url);
    assert.equal(page.status, 200);
    assert.equal(page.headers["content-security-policy"], CSP);
    assert.equal(page.headers["referrer-policy"], "no-referrer");
    assert.equal(page.headers["set-cookie"], undefined, "a reader gets no session cookie");
    assert.match(page.text, new RegExp(PUBLIC_ENTRY));
    assert.match(page.text, /Services moved to clean hosts/);
    assert.doesNotMatch(page.text, /backup account/);
    assert.doesNotMatch(page.text, /backup-host-internal/);
    assert.match(page.text, /dv35\.apachecon\.com/);
    assert.match(page.text, /How it was found/);
    assert.match(page.text, /security@example\.org/);
    assert.match(page.text, /Last updated <time datetime="2026-03-02T09:00:00.000Z">/);
    assert.doesNotMatch(page.text, /<script/i);
    assert.doesNotMatch(page.text, new RegExp(ref), "no internal reference on the page");
    const feed = await anonymous().get(`${url}/feed.atom`);
    assert.equal(feed.status, 200);
    assert.match(String(feed.headers["content-type"]), /application\/atom\+xml/);
    assert.match(feed.text, /<entry>[\s\S]*Apache\.org incident report: version 1/);
    assert.doesNotMatch(feed.text, /backup account/);
    const audit = await t.db.prisma.auditEntry.findMany({ where: { incidentId, action: { startsWith: "public_report." } } });
    assert.deepEqual(audit.map((a) => a.action).sort(), ["public_report.draft_save", "public_report.publish"]);
    const onTimeline = await t.db.prisma.timelineEvent.findFirst({
      where: { incidentId, description: { startsWith: "Public report published" } },
    });
    assert.equal(onTimeline?.visibility, "internal");
  });

  it("keeps each update as a version with its date at its own address, and an internal entry added later stays off", async () => {
    t.clock.set(new Date("2026-03-03T09:00:00Z"));
    await addTimelineEvent(
      t.deps,
      ref,
      {
        kind: "note",
        description: "Second internal note",
        occurredAt: "2026-03-02 10:00",
        occurredAtZone: "UTC",
        visibility: "internal",
      },
      systemActor,
    );
    await post(base, {
      kind: "post_incident",
      title: "Apache.org incident report",
      narrative: "Updated: all services restored.",
      whatHappened: "A local root exploit.",
    });
    assert.equal((await post(`${base}/publish`, { confirm: "yes" })).status, 303);
    const current = await anonymous().get(url);
    assert.match(current.text, /Updated: all services restored\./);
    assert.match(current.text, /version 2 of 2/);
    const first = await anonymous().get(`${url}/versions/1`);
    assert.equal(first.status, 200);
    assert.equal(first.headers["content-security-policy"], CSP);
    assert.match(first.text, /Our servers were attacked\./);
    assert.match(first.text, /This is version 1, published <time datetime="2026-03-02T09:00:00.000Z">/);
    assert.equal((await anonymous().get(`${url}/versions/9`)).status, 404);
    const feed = await anonymous().get(`${url}/feed.atom`);
    assert.equal((feed.text.match(/<entry>/g) ?? []).length, 2);
    assert.doesNotMatch(current.text + feed.text, /Second internal note/);
  });

  it("points people told by public statement at the version up then, counts them in coverage and shows them in the ledger", async () => {
    const [first, second] = await addPeople(t.db, incidentId, 2, () => ({ email: null }));
    const incident = await t.db.prisma.incident.findUniqueOrThrow({ where: { id: incidentId } });
    const before = await loadIncidentCoverage(t.db.prisma, incidentId);
    const form = await manager.agent.get(`/incidents/${ref}/ledger/other-channels`);
    assert.match(
      form.text,
      new RegExp(`each person is linked to <a href="${url}">the public report</a> as published now \\(version 2\\)`),
    );
    await recordPeopleTold(
      t.deps,
      incident,
      { personIds: [first, second], channel: "public_statement", toldAt: "2026-03-03 08:00", note: "Our public report" },
      systemActor,
    );
    const version2 = await t.db.prisma.publicReportVersion.findFirstOrThrow({ where: { version: 2 } });
    const told = await t.db.prisma.toldAnotherWay.findMany({ where: { incidentId } });
    assert.deepEqual(
      told.map((r) => r.publicReportVersionId),
      [version2.id, version2.id],
    );
    const after = await loadIncidentCoverage(t.db.prisma, incidentId);
    assert.equal(after.told - before.told, 2);
    const summary = await manager.agent.get(`/incidents/${ref}/ledger/summary`);
    assert.match(summary.text, new RegExp(`2 by <a href="${url}/versions/2">version 2 of the public report</a>`));
  });

  it("takes the page, its versions and its feed down when unpublished, audited, after a tick", async () => {
    assert.equal((await post(`${base}/unpublish`, {})).status, 400);
    assert.equal((await post(`${base}/unpublish`, { confirm: "yes" })).status, 303);
    for (const path of [url, `${url}/versions/1`, `${url}/feed.atom`])
      assert.equal((await anonymous().get(path)).status, 404, path);
    assert.equal(await t.db.prisma.auditEntry.count({ where: { incidentId, action: "public_report.unpublish" } }), 1);
    assert.equal(await t.db.prisma.publicReportVersion.count(), 2, "the versions are kept");
    assert.equal((await post(`${base}/unpublish`, { confirm: "yes" })).status, 409);
  });

  it("answers the API contract: save a draft with a summary alone, publish to an address read without signing in, versions, take down", async () => {
    const other = await addIncident(t, { title: "Second incident" });
    const path = `/api/v1/incidents/${other.reference}/public-report`;
    const auth = { Authorization: `Bearer ${token}` };
    const empty = await anonymous().get(path).set(auth);
    assert.equal(empty.status, 200);
    assert.equal(empty.body.status, "none");
    const refused = await anonymous().post(`${path}/publish`).set(auth);
    assert.equal(refused.status, 409, "nothing written yet to publish");
    assert.match(refused.body.error.message, /Write the public report of/);
    const draft = await anonymous().post(path).set(auth).send({ narrative: "We were attacked; no personal data was taken." });
    assert.equal(draft.status, 200);
    assert.equal(draft.body.status, "draft");
    assert.equal(draft.body.draft.narrative, "We were attacked; no personal data was taken.");
    const kept = await anonymous().post(path).set(auth).send({ whatToDo: "Nothing is asked of you." });
    assert.equal(kept.body.draft.narrative, "We were attacked; no personal data was taken.", "a text left out keeps its value");
    const bad = await anonymous().post(path).set(auth).send({ kind: "press_release" });
    assert.equal(bad.status, 400);
    assert.equal(
      (
        await anonymous()
          .post(`${path}/publish`)
          .set({ Authorization: `Bearer ${viewerToken}` })
      ).status,
      403,
    );
    const published = await anonymous().post(`${path}/publish`).set(auth);
    assert.equal(published.status, 200);
    assert.match(published.body.url, /^\/public\/[A-Za-z0-9_-]{22}$/);
    assert.equal(published.body.version, 1);
    const page = await anonymous().get(published.body.url);
    assert.equal(page.status, 200);
    assert.match(page.text, /We were attacked; no personal data was taken\./);
    const versions = await anonymous()
      .get(`${path}/versions`)
      .set({ Authorization: `Bearer ${viewerToken}` });
    assert.deepEqual(
      versions.body.versions.map((v: { version: number }) => v.version),
      [1],
    );
    const one = await anonymous().get(`${path}/versions/1`).set(auth);
    assert.equal(one.body.content.texts.narrative, "We were attacked; no personal data was taken.");
    const down = await anonymous().post(`${path}/unpublish`).set(auth);
    assert.equal(down.status, 200);
    assert.equal(down.body.status, "unpublished");
    assert.equal((await anonymous().get(published.body.url)).status, 404);
    assert.equal((await anonymous().post(`${path}/unpublish`).set(auth)).status, 409);
  });

  it("answers an address that names no report as not found, the same for a malformed one", async () => {
    assert.equal((await anonymous().get("/public/AAAAAAAAAAAAAAAAAAAAAA")).status, 404);
    const odd = await anonymous().get("/public/not-a-slug");
    assert.equal(odd.status, 404);
    assert.equal(odd.headers["content-security-policy"], CSP);
  });
});
