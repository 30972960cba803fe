import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { PURGED_FILE_REASON } from "../../src/modules/evidence/index.js";
import { PURGE_ACTION } from "../../src/modules/retention/index.js";
import { purgeableIncident, TEST_AUDIT_KEY } from "../fixtures/retention/purge-fixture.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { testLane } from "../helpers/db.js";

const system = { userId: null, label: "test", ip: null };

/**
 * Issue 15, item 4: evidence files follow the incident's own retention. Kept by default; set to
 * "purged with the people" (through the API, audited and on the timeline), the purge's
 * confirmation counts them, the purge removes their bytes from the evidence folder and keeps each
 * file's record, SHA-256, size and reason, shown as removed by the purge on its date.
 */
describe(`retention: evidence files purged with the people, or kept (${testLane})`, () => {
  let t: TestApp;
  let dir: string;
  let evidenceDir: string;
  let manager: Awaited<ReturnType<typeof signedIn>>;
  let token: string;
  const report = Buffer.from("Forensic report: attendee list of LCA 2016 exposed, see appendix (names and e-mails).\n");

  async function upload(reference: string, name: string) {
    const page = await manager.agent.get(`/incidents/${reference}/evidence`);
    const res = await manager.agent
      .post(`/incidents/${reference}/evidence/files`)
      .field("_csrf", csrfFrom(page.text))
      .attach("file", report, name);
    assert.equal(res.status, 303);
  }
  const storedFiles = async () =>
    (await readdir(evidenceDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "breachdesk-retention-evidence-"));
    evidenceDir = join(dir, "evidence");
    t = await createTestApp({ AUDIT_KEY: TEST_AUDIT_KEY, EVIDENCE_DIR: evidenceDir });
    manager = await signedIn(t, "manager");
    ({ token } = await createApiToken(t.deps, manager.user.id, { name: "retention" }, system));
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("set to purge with the people (API, audited, on the timeline): counted before, bytes gone after, records kept", async () => {
    const { incident } = await purgeableIncident(t, 12);
    const ref = incident.reference;
    await upload(ref, "forensic-report.txt");
    await upload(ref, "attendees.csv");
    assert.equal((await storedFiles()).length, 2);
    const api = supertest(t.app);
    const auth = { Authorization: `Bearer ${token}` };

    const before = await api.get(`/api/v1/incidents/${ref}/retention`).set(auth);
    assert.equal(before.status, 200);
    assert.equal(before.body.evidenceFiles, "kept", "kept by default (the fixture sets kept)");
    const set = await api
      .post(`/api/v1/incidents/${ref}/retention`)
      .set(auth)
      .send({ daysAfterClose: 0, evidenceFiles: "with_people" });
    assert.equal(set.status, 200);
    assert.equal(set.body.evidenceFiles, "with_people");
    const bad = await api
      .post(`/api/v1/incidents/${ref}/retention`)
      .set(auth)
      .send({ daysAfterClose: 0, evidenceFiles: "shred" });
    assert.equal(bad.status, 400);
    const audited = await t.db.prisma.auditEntry.findMany({
      where: { action: "incident.retention_set", incidentId: incident.id },
      orderBy: { seq: "asc" },
    });
    assert.equal(JSON.parse(audited.at(-1)!.after ?? "{}").evidenceFiles, "with_people");
    assert.equal(JSON.parse(audited.at(-1)!.before ?? "{}").evidenceFiles, "kept");
    const timeline = await t.db.prisma.timelineEvent.findMany({ where: { incidentId: incident.id } });
    assert.ok(timeline.some((e) => /evidence files purged with the people's data/.test(e.description)));

    const section = await manager.agent.get(`/incidents/${ref}/evidence`);
    assert.match(
      section.text,
      /id="retention-evidence-files">Purged with the people on <time datetime="2026-01-01T00:00:00.000Z"/,
    );
    const confirm = await manager.agent.get(`/incidents/${ref}/retention/purge`);
    assert.match(confirm.text, /id="purge-evidence-files">the bytes of <strong>2<\/strong> evidence files/);

    const purged = await api.post(`/api/v1/incidents/${ref}/retention/purge`).set(auth);
    assert.equal(purged.status, 200);
    assert.equal(purged.body.counts.evidenceFiles, 2);
    assert.deepEqual(await storedFiles(), [], "no evidence bytes left in the evidence folder");
    const files = await t.db.prisma.evidenceFile.findMany({ where: { incidentId: incident.id } });
    assert.equal(files.length, 2, "the records stay");
    for (const f of files) {
      assert.ok(f.purgedAt && f.deletedAt, "removed by the purge");
      assert.equal(f.storageKey, "");
      assert.equal(Number(f.sizeBytes), report.length);
      assert.match(f.sha256, /^[0-9a-f]{64}$/);
      assert.equal(f.deleteReason, PURGED_FILE_REASON);
    }
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: PURGE_ACTION, incidentId: incident.id } });
    assert.equal(JSON.parse(entry.after ?? "{}").evidenceFiles, 2);

    const page = await manager.agent.get(`/incidents/${ref}/evidence`);
    assert.match(page.text, /Removed by the purge on <time datetime="2026-03-02T09:00:00.000Z"/);
    assert.match(page.text, /2 files removed by the purge/);
    assert.ok(page.text.includes(files[0]!.sha256), "the SHA-256 is still shown");
    const download = await manager.agent.get(`/incidents/${ref}/evidence/files/${files[0]!.id}/download`);
    assert.equal(download.status, 404);
    const listed = await api.get(`/api/v1/incidents/${ref}/evidence`).set(auth);
    assert.equal(listed.body.files[0].purgedAt, "2026-03-02T09:00:00.000Z");
    assert.equal(listed.body.files[0].download, null);
  });

  it("kept (the default): the purge leaves the evidence files and their bytes", async () => {
    const { incident } = await purgeableIncident(t, 5);
    const ref = incident.reference;
    const already = (await storedFiles()).length;
    await upload(ref, "acknowledgment.txt");
    const confirm = await manager.agent.get(`/incidents/${ref}/retention/purge`);
    assert.doesNotMatch(confirm.text, /id="purge-evidence-files"/);
    assert.match(confirm.text, /id="purge-evidence-kept">1 evidence files stay/);
    const purged = await supertest(t.app)
      .post(`/api/v1/incidents/${ref}/retention/purge`)
      .set({ Authorization: `Bearer ${token}` });
    assert.equal(purged.status, 200);
    assert.equal(purged.body.counts.evidenceFiles, 0);
    assert.equal((await storedFiles()).length, already + 1);
    const file = await t.db.prisma.evidenceFile.findFirstOrThrow({ where: { incidentId: incident.id } });
    assert.equal(file.purgedAt, null);
    assert.equal((await manager.agent.get(`/incidents/${ref}/evidence/files/${file.id}/download`)).status, 200);
  });
});
