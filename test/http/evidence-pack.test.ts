import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { runEvidencePackCommand, runVerifyPackCommand } from "../../src/cli/evidence-pack-command.js";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { packKeyPath } from "../../src/modules/evidence-pack/index.js";
import { createStatement, markStatementSubmitted } from "../../src/modules/statements/index.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { startTestCampaign } from "../helpers/campaigns.js";
import { runBreachdesk } from "../helpers/cli.js";
import { testLane } from "../helpers/db.js";
import { readZip, writeZip } from "../helpers/zip-files.js";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** What verify-pack prints with --json and its exit status, called as a function. */
async function verifyJson(path: string) {
  let out = "";
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true } };
  const status = await runVerifyPackCommand([path, "--json"], io);
  return {
    status,
    ...(JSON.parse(out) as { ok: boolean; problems: { file: string; problem: string }[]; fingerprint: string | null }),
  };
}

/**
 * The evidence pack (issue 15, items 2 and 5) on the lane's database, of an incident shaped as
 * the Linux Australia story (Sydney, a campaign to the conference's attendees, the OAIC
 * statement submitted, the forensic report kept as evidence): built from the evidence page,
 * the API and the command; verify-pack accepts it, and names the file when one is changed,
 * removed or added; a file that is not a zip is status 2.
 */
describe(`evidence pack (${testLane})`, () => {
  let t: TestApp;
  let dir: string;
  let ref: string;
  let incidentId: string;
  let viewer: Awaited<ReturnType<typeof signedIn>>;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  const report = Buffer.from("Forensic report: the attacker read the registration database on 2016-03-10.\n");
  let pack: Map<string, Buffer>;
  let packPath = "";

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "breachdesk-pack-"));
    t = await createTestApp({ EVIDENCE_DIR: join(dir, "evidence") });
    const started = await startTestCampaign(t, 4, (i) => ({ email: `attendee${i}@lca.example`, givenName: `Attendee${i}` }));
    ref = started.incident.reference;
    incidentId = started.incident.id;
    const manager = await signedIn(t, "manager");
    [viewer, admin] = [await signedIn(t, "viewer"), await signedIn(t, "admin")];
    const actor = { userId: manager.user.id, label: manager.user.email, ip: null };
    const drafted = await createStatement(t.deps, ref, "AU-NDB-oaic", actor);
    const submission = {
      submittedAt: "2016-03-25 10:00",
      submittedZone: "Australia/Sydney",
      how: "portal" as const,
      reference: "NDB-1",
    };
    await markStatementSubmitted(t.deps, ref, drafted.statement.id, submission, null, actor);
    const page = await manager.agent.get(`/incidents/${ref}/evidence`);
    const upload = await manager.agent
      .post(`/incidents/${ref}/evidence/files`)
      .field("_csrf", csrfFrom(page.text))
      .attach("file", report, "forensic-report.txt");
    assert.equal(upload.status, 303);
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
    await rm(packKeyPath(t.deps.config), { force: true });
  });

  it("builds the pack from the evidence page: every part, the ledger without addresses, the evidence file's bytes; audited and on the timeline", async () => {
    const page = await viewer.agent.get(`/incidents/${ref}/evidence`);
    assert.match(page.text, /Build and download the evidence pack/);
    const res = await viewer.agent
      .post(`/incidents/${ref}/evidence-pack`)
      .type("form")
      .send({ _csrf: csrfFrom(page.text) })
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      });
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], "application/zip");
    assert.match(
      String(res.headers["content-disposition"]),
      new RegExp(`^attachment; filename="?breachdesk-${ref}-evidence-20260302T0900Z\\.zip`),
    );
    const bytes = res.body as Buffer;
    packPath = join(dir, "pack.zip");
    await writeFile(packPath, bytes);
    pack = await readZip(bytes);
    for (const part of [
      "incident",
      "timeline",
      "scope",
      "assessment",
      "obligations",
      "statements",
      "notices",
      "campaigns",
      "ledger-summary",
      "told-another-way",
      "evidence-files",
      "audit",
    ]) {
      assert.ok(pack.has(`parts/${part}.json`), `parts/${part}.json`);
      assert.ok(pack.has(`parts/${part}.html`), `parts/${part}.html`);
    }
    const manifest = JSON.parse(pack.get("manifest.json")!.toString()) as {
      files: { path: string; sha256: string }[];
      auditHead: { seq: number };
    };
    const evidence = manifest.files.find((f) => f.path.endsWith("forensic-report.txt"))!;
    assert.equal(evidence.sha256, sha256(report));
    assert.deepEqual(pack.get(evidence.path), report);
    for (const f of manifest.files) assert.equal(sha256(pack.get(f.path)!), f.sha256, f.path);
    const ledger = pack.get("ledger.csv")!.toString();
    assert.equal(ledger.trim().split("\r\n").length, 5, "a header and a row per notice");
    assert.doesNotMatch(ledger, /lca\.example/, "no addresses without personal data");
    assert.ok(!pack.has("told-another-way.csv"));
    const statements = JSON.parse(pack.get("parts/statements.json")!.toString()) as {
      submittedVersions: { submittedReference: string }[];
    };
    assert.equal(statements.submittedVersions[0]?.submittedReference, "NDB-1");
    const audit = JSON.parse(pack.get("parts/audit.json")!.toString()) as {
      chainHeadAtPack: { seq: number };
      entries: { action: string }[];
    };
    assert.equal(audit.chainHeadAtPack.seq, manifest.auditHead.seq);
    assert.ok(audit.entries.some((e) => e.action === "statement.submit"));
    assert.match(pack.get("index.html")!.toString(), /href="parts\/timeline.html"/);
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "evidence_pack.build", incidentId } });
    assert.equal(entry.actorLabel, viewer.user.email);
    const after = JSON.parse(entry.after!) as { includesPersonalData: boolean; manifestSha256: string };
    assert.equal(after.includesPersonalData, false);
    assert.equal(after.manifestSha256, sha256(pack.get("manifest.json")!));
    const timeline = await t.db.prisma.timelineEvent.findFirst({
      where: { incidentId, description: { contains: "Evidence pack built" } },
    });
    assert.ok(timeline);
  });

  it("verify-pack accepts the pack, and names the file changed, removed or added (status 1); a file that is not a zip is status 2", async () => {
    assert.deepEqual(await verifyJson(packPath), {
      status: 0,
      ok: true,
      problems: [],
      fingerprint: (await verifyJson(packPath)).fingerprint,
    });
    const changed = new Map(pack);
    const statements = Buffer.from(changed.get("parts/statements.json")!);
    statements[10] = statements[10]! ^ 1;
    changed.set("parts/statements.json", statements);
    await writeFile(join(dir, "changed.zip"), await writeZip(changed));
    const one = await verifyJson(join(dir, "changed.zip"));
    assert.equal(one.status, 1);
    assert.deepEqual(
      one.problems.map((p) => p.file),
      ["parts/statements.json"],
    );
    assert.match(one.problems[0]!.problem, /^changed/);

    const removed = new Map(pack);
    const evidencePath = [...removed.keys()].find((k) => k.startsWith("files/")) ?? "files/";
    removed.delete(evidencePath);
    await writeFile(join(dir, "removed.zip"), await writeZip(removed));
    const two = await verifyJson(join(dir, "removed.zip"));
    assert.equal(two.status, 1);
    assert.deepEqual(two.problems, [{ file: evidencePath, problem: "removed: listed in the manifest but not in the pack" }]);

    const added = new Map(pack).set("notes.txt", Buffer.from("added later"));
    await writeFile(join(dir, "added.zip"), await writeZip(added));
    const three = await verifyJson(join(dir, "added.zip"));
    assert.equal(three.status, 1);
    assert.deepEqual(
      three.problems.map((p) => p.file),
      ["notes.txt"],
    );

    const forged = new Map(pack);
    const manifest = JSON.parse(forged.get("manifest.json")!.toString()) as {
      files: { path: string; sha256: string; size: number }[];
    };
    manifest.files = manifest.files.map((f) =>
      f.path === "parts/statements.json" ? { ...f, sha256: sha256(statements), size: statements.length } : f,
    );
    forged.set("manifest.json", Buffer.from(JSON.stringify(manifest))).set("parts/statements.json", statements);
    await writeFile(join(dir, "forged.zip"), await writeZip(forged));
    const four = await verifyJson(join(dir, "forged.zip"));
    assert.equal(four.status, 1, "a manifest rewritten to match is caught by the signature");
    assert.deepEqual(
      four.problems.map((p) => p.file),
      ["manifest.json"],
    );

    await writeFile(join(dir, "not-a-zip.zip"), "this is not a zip file");
    assert.equal((await verifyJson(join(dir, "not-a-zip.zip"))).status, 2);
    assert.equal((await verifyJson(join(dir, "missing.zip"))).status, 2);
  });

  it("runs as the breachdesk command: evidence-pack with personal data writes a pack the real verify-pack accepts, and refuses a changed one", async () => {
    const out = join(dir, "cli.zip");
    const io = { stdout: { write: () => true }, stderr: { write: () => true } };
    const status = await runEvidencePackCommand(["--incident", ref, "--out", out, "--include-personal-data"], io, (go) =>
      go(t.deps),
    );
    assert.equal(status, 0);
    const files = await readZip(await readFile(out));
    assert.match(files.get("ledger.csv")!.toString(), /attendee0@lca\.example/, "addresses with personal data");
    assert.ok(files.has("told-another-way.csv"));
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "evidence_pack.build", actorLabel: "cli" } });
    assert.equal((JSON.parse(entry.after!) as { includesPersonalData: boolean }).includesPersonalData, true);

    const ok = await runBreachdesk(["verify-pack", out, "--json"]);
    assert.equal((JSON.parse(ok.stdout) as { ok: boolean }).ok, true);
    const failed = await runBreachdesk(["verify-pack", join(dir, "changed.zip")]);
    assert.equal(failed.status, 1);
    assert.match(failed.stderr, /parts\/statements\.json: changed/);
  });

  it("builds and downloads the pack through the API; the signing key is shown to administrators only", async () => {
    const system = { userId: null, label: "test", ip: null };
    const { token } = await createApiToken(t.deps, viewer.user.id, { name: "script" }, system);
    const api = supertest(t.app);
    const binary = (r: supertest.Response, done: (e: Error | null, b: Buffer) => void) => {
      const chunks: Buffer[] = [];
      r.on("data", (c: Buffer) => chunks.push(c));
      r.on("end", () => done(null, Buffer.concat(chunks)));
    };
    const posted = await api
      .post(`/api/v1/incidents/${ref}/evidence-pack`)
      .auth(token, { type: "bearer" })
      .send({})
      .buffer(true)
      .parse(binary);
    assert.equal(posted.status, 200);
    assert.ok((await readZip(posted.body as Buffer)).has("manifest.sig"));
    const got = await api
      .get(`/api/v1/incidents/${ref}/evidence-pack`)
      .auth(token, { type: "bearer" })
      .buffer(true)
      .parse(binary);
    assert.equal(got.status, 200);
    const bad = await api
      .post(`/api/v1/incidents/${ref}/evidence-pack`)
      .auth(token, { type: "bearer" })
      .send({ include_personal_data: "maybe" });
    assert.equal(bad.status, 400);
    const unknown = await api.get("/api/v1/incidents/BD-1999-0001/evidence-pack").auth(token, { type: "bearer" });
    assert.equal(unknown.status, 404);

    const keyPage = await admin.agent.get("/admin/evidence-pack-key");
    assert.equal(keyPage.status, 200);
    const { fingerprint } = await verifyJson(packPath);
    assert.ok(keyPage.text.includes(String(fingerprint)));
    assert.match(keyPage.text, /BEGIN PUBLIC KEY/);
    assert.equal((await viewer.agent.get("/admin/evidence-pack-key")).status, 403);
  });
});
