import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { verifyAuditChain } from "../../src/modules/audit/audit.service.js";
import { importPeopleFile } from "../../src/modules/people/import.service.js";
import { runPeopleImport } from "../../src/modules/people/people-import.job.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

/** 1,200 rows, every 100th without an email or address (kept, with the warning missing_contact). */
function peopleCsv(): string {
  const rows = Array.from({ length: 1200 }, (_, i) =>
    i % 100 === 9 ? `,Nobody ${i},AU` : `person${i}@example.org,Person ${i},AU`,
  );
  return `Email,Full name,Country\r\n${rows.join("\r\n")}\r\n`;
}

async function upload(client: Client, reference: string, csv: string) {
  const page = await client.agent.get(`/incidents/${reference}/scope`);
  const res = await client.agent
    .post(`/incidents/${reference}/people/import`)
    .field("_csrf", csrfFrom(page.text))
    .attach("file", Buffer.from(csv), "attendees.csv");
  assert.equal(res.status, 303, res.text.slice(0, 300));
  return res.headers.location as string;
}

async function postOnPage(client: Client, path: string, form: Record<string, string> = {}) {
  const token = csrfFrom((await client.agent.get(path.replace(/\/(start|cancel)$/, ""))).text);
  return client.agent
    .post(path)
    .type("form")
    .send({ _csrf: token, ...form });
}

async function auditOf(t: TestApp, incidentId: string) {
  const entries = await t.db.prisma.auditEntry.findMany({
    where: { incidentId, entityType: "person_import" },
    orderBy: { seq: "asc" },
  });
  return entries.map((e) => ({
    action: e.action,
    actor: e.actorLabel,
    before: e.before ? JSON.parse(e.before) : null,
    after: e.after ? JSON.parse(e.after) : null,
  }));
}

describe("people import progress and audit", () => {
  let t: TestApp;
  let manager: Client;

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
  });
  after(() => t.close());

  it("shows rows read, accepted, rejected, the rate and the time left, refreshing without script", async () => {
    const incident = await addIncident(t);
    const path = await upload(manager, incident.reference, peopleCsv());
    const importId = path.split("/").pop()!;
    assert.equal((await postOnPage(manager, `${path}/start`)).status, 303);

    const queued = await manager.agent.get(path);
    assert.match(queued.text, /<meta http-equiv="refresh" content="2">/);
    assert.match(queued.text, /data-progress="time-left">Waiting to start</);

    // Where a run stands after a batch: a quarter of the file in 20 s, written 5 s ago.
    const now = t.clock.now().getTime();
    await t.db.prisma.personImport.update({
      where: { id: importId },
      data: {
        status: "running",
        fileBytes: BigInt(1_000_000),
        bytesRead: BigInt(250_000),
        rowsRead: 50_000,
        accepted: 49_500,
        rejected: 500,
        startedAt: new Date(now - 25_000),
        updatedAt: new Date(now - 5_000),
      },
    });
    const running = await manager.agent.get(path);
    assert.equal(running.status, 200);
    assert.match(running.text, /<meta http-equiv="refresh" content="2">/);
    assert.match(
      running.text,
      /<progress max="1000000" value="250000" aria-label="Part of the file read">25% of the file read<\/progress>/,
    );
    assert.match(running.text, /data-count="read">50000</);
    assert.match(running.text, /data-count="accepted">49500</);
    assert.match(running.text, /data-count="rejected">500</);
    assert.match(running.text, /data-progress="rate">2,500 rows\/s</);
    assert.match(running.text, /data-progress="time-left">55 seconds</);
    assert.match(running.text, /Cancel the import/);
    assert.doesNotMatch(running.text, /No progress since/);

    await t.db.prisma.personImport.update({ where: { id: importId }, data: { updatedAt: new Date(now - 11 * 60_000) } });
    const stalled = await manager.agent.get(path);
    assert.match(stalled.text, /No progress since .*2026-03-02 08:49:00 UTC/);
  });

  it("audits the start (who, file, mapping), the end (status and counts) and a cancel (who)", async () => {
    const incident = await addIncident(t);
    const path = await upload(manager, incident.reference, peopleCsv());
    const importId = path.split("/").pop()!;
    const started = await postOnPage(manager, `${path}/start`, { map_0: "email", map_1: "name", map_2: "ignore" });
    assert.equal(started.status, 303);
    await runPeopleImport({ db: t.db, clock: t.clock }, importId);

    const finished = await manager.agent.get(path);
    assert.doesNotMatch(finished.text, /http-equiv="refresh"/);
    assert.match(finished.text, /data-progress="rate">—</, "a fixed clock: no time passed");
    assert.match(finished.text, /data-progress="took">0 seconds</);
    assert.match(finished.text, /<progress max="1" value="1"/);

    const mapping = { Email: "email", "Full name": "name", Country: "ignore" };
    assert.deepEqual(await auditOf(t, incident.id), [
      {
        action: "person_import.start",
        actor: manager.user.email,
        before: null,
        after: { incident: incident.reference, fileName: "attendees.csv", mapping },
      },
      {
        action: "person_import.finish",
        actor: "system",
        before: null,
        after: {
          fileName: "attendees.csv",
          status: "completed",
          read: 1200,
          // The 12 rows without a way to write to them were rejections before decision 0014.
          accepted: 1200,
          created: 1200,
          updated: 0,
          duplicates: 0,
          rejected: 0,
          reasons: {},
          warnings: { missing_contact: 12 },
          stoppedAtLine: null,
          message: "",
        },
      },
    ]);
    const start = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { entityId: importId, action: "person_import.start" } });
    assert.equal(start.actorId, manager.user.id);

    // A second import, cancelled through its page while it runs: it stops at its next batch.
    const second = await upload(manager, incident.reference, peopleCsv());
    const secondId = second.split("/").pop()!;
    assert.equal((await postOnPage(manager, `${second}/start`)).status, 303);
    let isCancelled = false;
    const summary = await importPeopleFile(
      { db: t.db, clock: t.clock },
      {
        importId: secondId,
        batchRows: 500,
        onProgress: async () => {
          if (isCancelled) return;
          isCancelled = true;
          const res = await postOnPage(manager, `${second}/cancel`);
          assert.equal(res.status, 303);
          const page = await manager.agent.get(second);
          assert.match(page.text, /status--cancelling">Cancelling</);
        },
      },
    );
    assert.equal(summary.status, "cancelled");
    const entries = (await auditOf(t, incident.id)).slice(2);
    assert.deepEqual(
      entries.map((e) => [e.action, e.actor]),
      [
        ["person_import.start", manager.user.email],
        ["person_import.cancel", manager.user.email],
        ["person_import.finish", "system"],
      ],
    );
    assert.deepEqual(entries[1]!.before, { status: "running" });
    assert.deepEqual(entries[1]!.after, { incident: incident.reference, fileName: "attendees.csv", status: "cancelling" });
    assert.equal(entries[2]!.after.status, "cancelled");
    assert.equal(entries[2]!.after.read, 500);
    assert.equal(entries[2]!.after.stoppedAtLine, 501);

    // Cancelling an upload before it starts is audited too; a second cancel changes nothing.
    const third = await upload(manager, incident.reference, peopleCsv());
    assert.equal((await postOnPage(manager, `${third}/cancel`)).status, 303);
    const again = await postOnPage(manager, `${third}/cancel`);
    assert.equal(again.status, 303);
    const cancels = (await auditOf(t, incident.id)).filter((e) => e.action === "person_import.cancel");
    assert.equal(cancels.length, 2);
    assert.deepEqual([cancels[1]!.before, cancels[1]!.after.status], [{ status: "uploaded" }, "cancelled"]);
    assert.equal((await verifyAuditChain(t.db)).break, null);
  });
});
