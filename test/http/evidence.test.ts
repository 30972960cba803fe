import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { createStatement, markStatementSubmitted } from "../../src/modules/statements/index.js";
import { createSystem } from "../../src/modules/systems/systems.service.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { testLane } from "../helpers/db.js";
import { addIncident } from "../helpers/incidents.js";

const MIB = 1024 * 1024;
/** What a refused form says: its error summary, or the start of the page. */
const why = (res: { text: string }) => res.text.match(/<div class="error-summary"[\s\S]*?<\/div>/)?.[0] ?? res.text.slice(0, 300);
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** Every file under a folder, as paths relative to it (folders themselves not listed). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

/**
 * Evidence files (issue 15, item 1) on the lane's database: uploaded through the page and the
 * API, streamed to a storage folder of the test's own with their SHA-256 and size, downloaded
 * by a viewer, refused over EVIDENCE_MAX_MIB (1 MiB here) with nothing kept, and deleted only
 * by an administrator with a reason, the record staying.
 */
describe(`evidence files (${testLane})`, () => {
  let t: TestApp;
  let dir: string;
  let ref: string;
  let incidentId: string;
  let manager: Awaited<ReturnType<typeof signedIn>>;
  let viewer: Awaited<ReturnType<typeof signedIn>>;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  const report = Buffer.from("Forensic report: the attacker read the registration database on 2016-03-10.\n");
  let reportId = "";

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "breachdesk-evidence-"));
    t = await createTestApp({ EVIDENCE_DIR: dir, EVIDENCE_MAX_MIB: "1" });
    const incident = await addIncident(t);
    ref = incident.reference;
    incidentId = incident.id;
    [manager, viewer, admin] = [await signedIn(t, "manager"), await signedIn(t, "viewer"), await signedIn(t, "admin")];
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Posts the upload form as the page has it: the token and fields first, the file last. */
  async function upload(who: typeof manager, content: Buffer, name: string, fields: Record<string, string> = {}) {
    const page = await who.agent.get(`/incidents/${ref}/evidence`);
    let req = who.agent.post(`/incidents/${ref}/evidence/files`).field("_csrf", csrfFrom(page.text));
    for (const [key, value] of Object.entries(fields)) req = req.field(key, value);
    return req.attach("file", content, name);
  }

  it("keeps an uploaded file with its SHA-256 and size, shown on the evidence page, on the timeline and in the audit", async () => {
    const res = await upload(manager, report, "forensic-report.txt", { description: "From the contracted investigator" });
    assert.equal(res.status, 303, why(res));
    assert.equal(res.headers.location, `/incidents/${ref}/evidence#evidence-files`);
    const row = await t.db.prisma.evidenceFile.findFirstOrThrow({ where: { incidentId } });
    reportId = row.id;
    assert.equal(row.sha256, sha256(report));
    assert.equal(Number(row.sizeBytes), report.length);
    assert.equal(row.fileName, "forensic-report.txt");
    assert.equal(row.uploadedBy, manager.user.email);
    assert.deepEqual(await filesUnder(dir), [join(row.storageKey.slice(0, 2), row.storageKey)]);
    const page = await viewer.agent.get(`/incidents/${ref}/evidence`);
    assert.match(page.text, new RegExp(`<code class="hash">${sha256(report)}</code>`));
    assert.match(page.text, new RegExp(`${report.length} bytes`));
    assert.match(page.text, /From the contracted investigator/);
    assert.match(page.text, /added the evidence file &#34;forensic-report.txt&#34; to/);
    assert.doesNotMatch(page.text, /Add an evidence file/, "a viewer has no upload form");
    const events = await t.db.prisma.timelineEvent.findMany({ where: { incidentId, kind: "evidence" } });
    assert.equal(events.length, 1);
    assert.match(
      events[0]!.description,
      new RegExp(`"forensic-report.txt" added \\(${report.length} bytes, SHA-256 ${sha256(report)}\\)`),
    );
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "evidence_file.upload", entityId: row.id } });
    assert.equal(audit.actorLabel, manager.user.email);
    assert.equal(audit.incidentId, incidentId);
  });

  it("lets a viewer download it: an attachment of type application/octet-stream, not sniffed, with its digest", async () => {
    const res = await viewer.agent.get(`/incidents/${ref}/evidence/files/${reportId}/download`).buffer(true);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, report);
    assert.match(String(res.headers["content-disposition"]), /^attachment; filename="?forensic-report.txt"?$/);
    assert.equal(res.headers["content-type"], "application/octet-stream");
    assert.equal(res.headers["x-content-type-options"], "nosniff");
    assert.equal(res.headers["repr-digest"], `sha-256=:${createHash("sha256").update(report).digest("base64")}:`);
  });

  it("refuses a file over EVIDENCE_MAX_MIB with 413 naming the limit, and keeps nothing", async () => {
    const before = await filesUnder(dir);
    const res = await upload(manager, Buffer.alloc(MIB + 10, 7), "disk-image.bin");
    assert.equal(res.status, 413, res.text.slice(0, 400));
    assert.match(res.text, /larger than the limit of 1 MiB \(EVIDENCE_MAX_MIB\); nothing was kept/);
    assert.equal(await t.db.prisma.evidenceFile.count({ where: { incidentId } }), 1);
    assert.deepEqual(await filesUnder(dir), before);
    // Exactly the limit is accepted.
    const atLimit = await upload(manager, Buffer.alloc(MIB, 1), "exactly-one-mib.bin");
    assert.equal(atLimit.status, 303);
    const kept = await t.db.prisma.evidenceFile.findFirstOrThrow({ where: { fileName: "exactly-one-mib.bin" } });
    assert.equal(Number(kept.sizeBytes), MIB);
  });

  it("keeps nothing when the CSRF token is wrong, the link is not the incident's, or no file is sent", async () => {
    const before = await filesUnder(dir);
    const count = await t.db.prisma.evidenceFile.count();
    const forged = await manager.agent
      .post(`/incidents/${ref}/evidence/files`)
      .field("_csrf", "forged")
      .attach("file", Buffer.from("x"), "x.txt");
    assert.equal(forged.status, 403);
    const badLink = await upload(manager, Buffer.from("y"), "y.txt", { link: "system:not-a-system" });
    assert.equal(badLink.status, 400);
    assert.match(badLink.text, /not one of this incident&#39;s/);
    const page = await manager.agent.get(`/incidents/${ref}/evidence`);
    const none = await manager.agent.post(`/incidents/${ref}/evidence/files`).field("_csrf", csrfFrom(page.text));
    assert.equal(none.status, 400);
    assert.match(none.text, /Choose a file/);
    assert.equal(await t.db.prisma.evidenceFile.count(), count);
    assert.deepEqual(await filesUnder(dir), before);
  });

  it("links a file to a system and keeps a new version as a new file that replaces the earlier one", async () => {
    const { system } = await createSystem(
      t.deps,
      ref,
      { name: "reg-db", role: "Registration database", compromiseMethod: "", status: "compromised", notes: "", isPublic: false },
      { userId: manager.user.id, label: manager.user.email, ip: null },
    );
    const v2 = Buffer.from("Forensic report, version 2: the attacker also read the payment table.\n");
    const res = await upload(manager, v2, "forensic-report-v2.txt", { link: `system:${system.id}`, replaces: reportId });
    assert.equal(res.status, 303, why(res));
    const row = await t.db.prisma.evidenceFile.findFirstOrThrow({ where: { fileName: "forensic-report-v2.txt" } });
    assert.equal(row.replacesId, reportId);
    assert.equal(row.linkKind, "system");
    assert.equal(row.linkId, system.id);
    const first = await t.db.prisma.evidenceFile.findUniqueOrThrow({ where: { id: reportId } });
    assert.equal(first.sha256, sha256(report), "the earlier file is unchanged");
    const page = await viewer.agent.get(`/incidents/${ref}/evidence`);
    assert.match(page.text, new RegExp(`System: <a href="/incidents/${ref}/scope#system-${system.id}">reg-db</a>`));
    assert.match(page.text, /Replaced by<\/dt><dd><a href="#evidence-file-[^"]+">forensic-report-v2.txt<\/a>/);
  });

  it("keeps a file named with a path under its own key, and offers it under a safe name", async () => {
    const content = Buffer.from("<script>alert(1)</script>");
    const res = await upload(manager, content, "../../../etc/passwd.html");
    assert.equal(res.status, 303, why(res));
    const row = await t.db.prisma.evidenceFile.findFirstOrThrow({ where: { sha256: sha256(content) } });
    assert.equal(row.fileName, "passwd.html", "the name's folders are dropped");
    for (const path of await filesUnder(dir)) assert.doesNotMatch(path, /passwd|\.\./);
    assert.deepEqual(await filesUnder(join(dir, "..", "etc")), []);
    const download = await viewer.agent.get(`/incidents/${ref}/evidence/files/${row.id}/download`).buffer(true);
    assert.equal(download.status, 200);
    assert.deepEqual(download.body, content);
    assert.match(String(download.headers["content-disposition"]), /^attachment; filename="?passwd.html"?$/);
    assert.equal(download.headers["content-type"], "application/octet-stream", "never served as HTML");
    const traversal = await viewer.agent.get(`/incidents/${ref}/evidence/files/..%2F..%2Fetc%2Fpasswd/download`);
    assert.equal(traversal.status, 404);
  });

  it("lets only an administrator delete a file's content, with a reason, after a confirmation; the record stays", async () => {
    const confirm = `/incidents/${ref}/evidence/files/${reportId}/delete`;
    assert.equal((await manager.agent.get(confirm)).status, 403);
    assert.equal((await manager.post(confirm, { reason: "Not needed" }, `/incidents/${ref}/evidence`)).status, 403);
    const page = await admin.agent.get(confirm);
    assert.equal(page.status, 200);
    assert.match(page.text, /Delete the content of “forensic-report.txt”\?/);
    assert.match(page.text, new RegExp(sha256(report)));
    const noReason = await admin.post(confirm, { reason: "" }, confirm);
    assert.equal(noReason.status, 400);
    assert.match(noReason.text, /Say why the file is deleted/);
    const key = (await t.db.prisma.evidenceFile.findUniqueOrThrow({ where: { id: reportId } })).storageKey;
    const done = await admin.post(confirm, { reason: "Holds a customer's card number; version 2 replaces it" }, confirm);
    assert.equal(done.status, 303, why(done));
    const row = await t.db.prisma.evidenceFile.findUniqueOrThrow({ where: { id: reportId } });
    assert.equal(row.sha256, sha256(report));
    assert.equal(Number(row.sizeBytes), report.length);
    assert.equal(row.uploadedBy, manager.user.email);
    assert.equal(row.deletedBy, admin.user.email);
    assert.equal(row.deleteReason, "Holds a customer's card number; version 2 replaces it");
    assert.ok(row.deletedAt);
    assert.equal(row.storageKey, "");
    assert.ok(!(await filesUnder(dir)).some((path) => path.endsWith(key)), "the bytes are gone");
    const download = await viewer.agent.get(`/incidents/${ref}/evidence/files/${reportId}/download`);
    assert.equal(download.status, 404);
    assert.match(download.text, /was deleted on .* Its record and hash are kept/);
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "evidence_file.delete", entityId: reportId },
    });
    assert.equal(audit.actorLabel, admin.user.email);
    const evidence = await viewer.agent.get(`/incidents/${ref}/evidence`);
    assert.match(evidence.text, /<span class="status">Deleted<\/span>/);
    assert.match(evidence.text, /deleted the content of the evidence file &#34;forensic-report.txt&#34; of/);
    const again = await admin.post(confirm, { reason: "Twice" }, `/incidents/${ref}/evidence`);
    assert.equal(again.status, 409);
  });

  it("lists the regulators' acknowledgments kept with the statements beside the evidence files", async () => {
    const actor = { userId: manager.user.id, label: manager.user.email, ip: null };
    const drafted = await createStatement(t.deps, ref, "AU-NDB-oaic", actor);
    const input = {
      submittedAt: "2026-03-01 10:00",
      submittedZone: "Australia/Sydney",
      how: "portal" as const,
      reference: "NDB-1",
    };
    const ack = { fileName: "oaic-receipt.txt", content: Buffer.from("Received, thank you.") };
    await markStatementSubmitted(t.deps, ref, drafted.statement.id, input, ack, actor);
    const page = await viewer.agent.get(`/incidents/${ref}/evidence`);
    const href = `/incidents/${ref}/statements/${drafted.statement.id}/versions/1/acknowledgment`;
    assert.match(page.text, new RegExp(`<a href="${href}">oaic-receipt.txt</a>`));
    assert.equal((await viewer.agent.get(href)).status, 200);
  });

  it("uploads, lists and downloads through the API, refusing a file over the limit and a body that is not multipart", async () => {
    const system = { userId: null, label: "test", ip: null };
    const tokenOf = async (who: typeof manager) => (await createApiToken(t.deps, who.user.id, { name: "script" }, system)).token;
    const api = supertest(t.app);
    const [managerToken, viewerToken] = [await tokenOf(manager), await tokenOf(viewer)];
    const base = `/api/v1/incidents/${ref}/evidence`;
    const form = Buffer.from("%PDF-1.4 the OAIC's acknowledgment");
    t.clock.advance(60_000);
    const created = await api
      .post(base)
      .set("Authorization", `Bearer ${managerToken}`)
      .field("description", "OAIC acknowledgment")
      .attach("file", form, "oaic-ack.pdf");
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.sha256, sha256(form));
    assert.equal(created.body.size, form.length);
    assert.equal(created.body.contentType, "application/pdf");
    assert.equal(created.body.download, `${base}/${created.body.id}`);
    const listed = await api.get(base).set("Authorization", `Bearer ${viewerToken}`);
    assert.equal(listed.status, 200);
    const ids = listed.body.files.map((f: { id: string }) => f.id);
    assert.equal(ids[0], created.body.id, "newest first");
    const deleted = listed.body.files.find((f: { id: string }) => f.id === reportId);
    assert.equal(deleted.download, null);
    assert.equal(deleted.deleteReason, "Holds a customer's card number; version 2 replaces it");
    const download = await api.get(created.body.download).set("Authorization", `Bearer ${viewerToken}`).buffer(true);
    assert.equal(download.status, 200);
    assert.deepEqual(download.body, form);
    assert.match(String(download.headers["content-disposition"]), /^attachment; filename="?oaic-ack.pdf"?$/);
    const before = await filesUnder(dir);
    const tooLarge = await api
      .post(base)
      .set("Authorization", `Bearer ${managerToken}`)
      .attach("file", Buffer.alloc(MIB + 1), "big.bin");
    assert.equal(tooLarge.status, 413);
    assert.match(tooLarge.body.error.message, /limit of 1 MiB \(EVIDENCE_MAX_MIB\)/);
    assert.deepEqual(await filesUnder(dir), before);
    const json = await api.post(base).set("Authorization", `Bearer ${managerToken}`).send({ file: "x" });
    assert.equal(json.status, 415);
    const byViewer = await api.post(base).set("Authorization", `Bearer ${viewerToken}`).attach("file", form, "x.pdf");
    assert.equal(byViewer.status, 403);
    assert.deepEqual(await filesUnder(dir), before);
  });
});
