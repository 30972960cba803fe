import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sqliteInstant } from "../../src/db/values.js";
import { agentFor, createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addNoticeTemplate, addPeople } from "../helpers/campaigns.js";
import { addIncident } from "../helpers/incidents.js";

/**
 * Until src/app.ts mounts campaignsRoutes and incident-sections.ts lists campaignsSection, this
 * puts them where the app would (the router before the 404 handler); once wired it does nothing.
 */

type Client = Awaited<ReturnType<typeof signedIn>>;

const escapeRe = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** The rows of a ledger page's table, each as its HTML. */
const rowsOf = (html: string) => [...html.matchAll(/<tr>\s*<th scope="row"[\s\S]*?<\/tr>/g)].map((m) => m[0]);
/** The addresses of a ledger page's rows, in order. */
const emailsOf = (html: string) => rowsOf(html).map((row) => /<br><span class="muted">([^<]*)<\/span>/.exec(row)?.[1] ?? "");

/** Posts a form as a browser would from the page it is on (that page's CSRF token). */
async function postFrom(client: Client, pagePath: string, path: string, form: Record<string, string> = {}) {
  const page = await client.agent.get(pagePath);
  return client.agent
    .post(path)
    .type("form")
    .send({ _csrf: csrfFrom(page.text), ...form });
}

describe("campaign pages", () => {
  let t: TestApp;
  let alice: Client;
  let bob: Client;
  let viewer: Client;
  let ref: string;
  let templateId: string;
  before(async () => {
    t = await createTestApp();
    alice = await signedIn(t, "manager");
    bob = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
    const incident = await addIncident(t);
    ref = incident.reference;
    templateId = (await addNoticeTemplate(t.db, incident.id, ["en"])).templateId;
    await addPeople(t.db, incident.id, 12, (i) => ({ email: i === 11 ? null : undefined, isAtRisk: i < 6 }));
  });
  after(() => t.close());

  const campaignsPath = () => `/incidents/${ref}/campaigns`;

  async function createDraft(client: Client, form: Record<string, string> = {}) {
    const res = await postFrom(client, `${campaignsPath()}/new`, campaignsPath(), { name: "First notice", templateId, ...form });
    assert.equal(res.status, 303, res.text.slice(0, 500));
    const path = String(res.headers.location);
    assert.match(path, new RegExp(`^/incidents/${ref}/campaigns/[0-9a-f-]{36}$`));
    return path;
  }

  it("refuses a form with mistakes, saying what to fix beside each field and keeping what was typed", async () => {
    const res = await postFrom(alice, `${campaignsPath()}/new`, campaignsPath(), {
      name: "",
      templateId: "not-one-of-ours",
      places: "AU-NSW, Sydney",
      when: "later",
      scheduledAt: "",
    });
    assert.equal(res.status, 400);
    assert.match(res.text, /Give the campaign a name\./);
    assert.match(res.text, /these are not: SYDNEY\./);
    assert.match(res.text, /Say when to start, e\.g\. 2026-03-22 09:30\./);
    assert.match(res.text, /value="AU-NSW, Sydney"/);
    const later = await postFrom(alice, `${campaignsPath()}/new`, campaignsPath(), {
      name: "Later",
      templateId,
      when: "later",
      scheduledAt: "2026-02-30 09:00",
    });
    assert.equal(later.status, 400);
    assert.match(later.text, /could not be read/);
    const foreign = await postFrom(alice, `${campaignsPath()}/new`, campaignsPath(), { name: "x", templateId: "nope" });
    assert.match(foreign.text, /Choose one of this incident&#39;s notices\./);
    assert.equal(await t.db.prisma.campaign.count(), 0, "nothing was saved");
  });

  it("creates a draft, confirms the start with the checks and the audience, sends, and shows the progress and the ledger", async () => {
    const path = await createDraft(alice, { atRiskOnly: "on" });
    const draft = await viewer.agent.get(path);
    assert.equal(draft.status, 200);
    assert.match(
      draft.text,
      /People at risk of serious harm: <span data-count="audience">6<\/span> people today, 6 reachable by e-mail/,
    );
    assert.doesNotMatch(draft.text, /http-equiv="refresh"/);
    assert.doesNotMatch(draft.text, /Start or schedule/, "a viewer sees no action");

    const confirm = await alice.agent.get(`${path}/start`);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text, /data-ready/);
    assert.match(confirm.text, /<strong data-count="reachable">6<\/strong>/);
    const started = await postFrom(alice, `${path}/start`, `${path}/start`, { when: "now" });
    assert.equal(started.status, 303);
    const page = await alice.agent.get(path);
    assert.match(page.text, /Sending started: 6 notices queued\./);
    assert.match(page.text, /<meta http-equiv="refresh" content="5">/);
    assert.match(page.text, /<span class="count" data-count="queued">6<\/span>/);
    assert.match(page.text, /Pause sending/);
    assert.match(page.text, /href="\/incidents\/[^"]+\/ledger\/summary\?campaign=[^"]+">Summary for the regulator</);

    // The campaign's recipients are on the incident's ledger, filtered on the campaign.
    const campaignId = path.split("/").pop()!;
    const ledgerPath = `/incidents/${ref}/ledger`;
    const ledgerOf = `${ledgerPath}?campaign=${campaignId}`;
    assert.match(
      page.text,
      new RegExp(`href="${escapeRe(ledgerOf)}&amp;status=queued"><span class="count" data-count="queued">`),
    );
    assert.match(page.text, new RegExp(`href="${escapeRe(ledgerOf)}">Open the ledger</a>`));
    assert.doesNotMatch(page.text, /\/deliveries/);

    // What a worker would have recorded (the server's whole reply, its code read from it): one
    // sent on its second try, one to try again later.
    const [first, second] = await t.db.prisma.delivery.findMany({ where: { campaignId }, orderBy: { id: "asc" }, take: 2 });
    const sentAt = new Date(t.clock.now().getTime() + 60_000);
    const retryAt = new Date(t.clock.now().getTime() + 300_000);
    await t.db.prisma.delivery.update({
      where: { id: first!.id },
      data: { status: "sent", attempts: 2, smtpCode: 250, smtpResponse: "250 2.0.0 Ok: queued as 4F2K9", sentAt },
    });
    await t.db.prisma.delivery.update({
      where: { id: second!.id },
      data: { attempts: 1, smtpCode: 421, smtpResponse: "421 4.7.0 Try again later", nextAttemptAt: retryAt },
    });

    const ledger = await viewer.agent.get(ledgerOf);
    assert.equal(ledger.status, 200);
    assert.match(ledger.text, /<title>Notification ledger of First notice: /);
    assert.match(
      ledger.text,
      new RegExp(
        `Showing the campaign <a href="${escapeRe(path)}">First notice</a> only\\. <a href="${escapeRe(ledgerPath)}">Show every campaign</a>`,
      ),
    );
    assert.equal(rowsOf(ledger.text).length, 6);
    assert.match(ledger.text, /6 notices: 5 queued, 1 sent\./);
    const rowOf = (id: string) => rowsOf(ledger.text).find((r) => r.includes(`&lt;delivery.${id}@`)) ?? "";
    const sentRow = rowOf(first!.id);
    assert.match(sentRow, /<span class="status status--sent">Sent<\/span>/);
    assert.match(sentRow, new RegExp(`<td data-label="Outcome">sent <time datetime="${escapeRe(sentAt.toISOString())}">`));
    assert.match(sentRow, /<td data-label="Attempts">2<\/td>/);
    assert.match(sentRow, /<td data-label="Server's answer" class="wrap-anywhere">250 2\.0\.0 Ok: queued as 4F2K9<\/td>/);
    assert.match(
      sentRow,
      /<td data-label="Notice"><a href="\/incidents\/[^"]+\/notices\/[^"]+\/preview\?version=[^"&]+&amp;person=[^"]+">en version 1<\/a><\/td>/,
    );
    const retryRow = rowOf(second!.id);
    assert.match(retryRow, /<span class="status status--queued">Queued<\/span>/);
    assert.match(retryRow, new RegExp(`<td data-label="Outcome">next try <time datetime="${escapeRe(retryAt.toISOString())}">`));
    assert.match(retryRow, /<td data-label="Server's answer" class="wrap-anywhere">421 4\.7\.0 Try again later<\/td>/);
    assert.match(ledger.text, /Times in [A-Za-z_/]+\./);

    // The old address answers with the incident's ledger, keeping the search and status only.
    const moved = await viewer.agent.get(
      `${path}/deliveries?status=sent&q=${encodeURIComponent("Given3 & co")}&after=x&sort=name`,
    );
    assert.equal(moved.status, 302);
    assert.equal(moved.headers.location, `${ledgerOf}&status=sent&q=Given3+%26+co`);
    assert.equal((await viewer.agent.get(`${path}/deliveries`)).headers.location, ledgerOf);
    const unknown = await viewer.agent.get(`${campaignsPath()}/no-such-campaign/deliveries?status=sent`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.text, /has no such campaign\./);
    assert.equal((await viewer.agent.get(`${ledgerPath}?campaign=no-such-campaign`)).status, 404);

    // Search: an address prefix or a name, in any letter case.
    const found = await viewer.agent.get(`${ledgerOf}&q=PERSON3%40`);
    assert.deepEqual(emailsOf(found.text), ["person3@example.org"]);
    const byName = await viewer.agent.get(`${ledgerOf}&q=${encodeURIComponent("given3 FAMILY3")}`);
    assert.deepEqual(emailsOf(byName.text), ["person3@example.org"]);
    const byStatus = await viewer.agent.get(`${ledgerOf}&status=sent`);
    assert.equal(rowsOf(byStatus.text).length, 1);
    assert.match(byStatus.text, /1 notice: 1 sent\./);
    const none = await viewer.agent.get(`${ledgerOf}&status=failed`);
    assert.match(none.text, /No notice matches\./);
    const bad = await viewer.agent.get(`${ledgerOf}&status=delivered`);
    assert.equal(bad.status, 400);
    assert.match(bad.text, /The filter status is not a delivery status: choose one from the list\./);
  });

  it("pages through a campaign's ledger without repeating anyone, and shows no other campaign's notices", async () => {
    const path = await createDraft(alice);
    await postFrom(alice, `${path}/start`, `${path}/start`, { when: "now" });
    const incident = await t.db.prisma.incident.findUniqueOrThrow({ where: { reference: ref } });
    const campaignId = path.split("/").pop()!;
    // 120 more people would make the test slow through the start; the ledger reads delivery rows only.
    // They are queued at the start's instant, as a fan-out queues everyone: pages break the tie by id.
    const rows = Array.from({ length: 120 }, (_, i) => ({
      id: `extra-${i}`,
      campaignId,
      incidentId: incident.id,
      personId: `zz-person-${String(i).padStart(3, "0")}`,
      email: `extra${i}@example.org`,
      fullName: `Extra ${i}`,
      status: "sent",
      messageId: `<delivery.extra-${i}@localhost>`,
      queuedAt: t.clock.now(),
      updatedAt: t.clock.now(),
    }));
    await t.db.prisma.delivery.createMany({ data: rows });
    const others = await t.db.prisma.delivery.count({ where: { incidentId: incident.id, campaignId: { not: campaignId } } });
    assert.ok(others > 0, "another campaign of the incident has notices");
    const seen = new Set<string>();
    let next: string | null = `/incidents/${ref}/ledger?campaign=${campaignId}`;
    let pages = 0;
    while (next) {
      const res = await viewer.agent.get(next);
      assert.equal(res.status, 200, next);
      pages += 1;
      assert.match(res.text, /132 notices: 11 queued, 120 sent, 1 not e-mailed\./);
      for (const match of res.text.matchAll(/<code>(&lt;delivery\.[^<]+)<\/code>/g)) {
        assert.ok(!seen.has(match[1]!), `repeated ${match[1]}`);
        seen.add(match[1]!);
      }
      const link = /<a href="([^"]+)" rel="next">/.exec(res.text)?.[1];
      next = link ? link.replace(/&amp;/g, "&") : null;
      if (next) assert.match(next, new RegExp(`[?&]campaign=${campaignId}(&|$)`), "the next page keeps the campaign");
    }
    const ids = await t.db.prisma.delivery.findMany({ where: { campaignId }, select: { messageId: true } });
    assert.deepEqual(
      [...seen].sort(),
      ids.map((d) => d.messageId.replace(/</g, "&lt;").replace(/>/g, "&gt;")).sort(),
      "exactly this campaign's 132 notices: 12 people (one not e-mailed) and the 120 rows added",
    );
    assert.equal(pages, 2, "100 a page");
  });

  it("counts a sending campaign's deliveries afresh on every load, whoever writes them", async () => {
    const path = await createDraft(alice);
    await postFrom(alice, `${path}/start`, `${path}/start`, { when: "now" });
    const campaignId = path.split("/").pop()!;
    const incident = await t.db.prisma.incident.findUniqueOrThrow({ where: { reference: ref } });
    // Rows written by a statement of the test's own: the tally the page reads is the database's
    // (decision 0039), kept by its triggers, not by the code that writes.
    const at = t.db.kind === "sqlite" ? sqliteInstant(t.clock.now()) : t.clock.now().toISOString();
    const isSqlite = t.db.kind === "sqlite";
    const p = (i: number) => (isSqlite ? "?" : `$${i}`);
    const bulk = (count: number, from: number, status: string) =>
      t.db.prisma.$executeRawUnsafe(
        `WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${from + count - 1})
         INSERT INTO "delivery" ("id", "campaign_id", "incident_id", "person_id", "status", "message_id", "queued_at", "updated_at")
         SELECT 'bulk-' || i, ${p(1)}, ${p(2)}, 'bulk-person-' || i, ${p(3)}, '<delivery.bulk-' || i || '@localhost>',
           ${isSqlite ? "?, ?" : "$4::timestamp(3), $4::timestamp(3)"} FROM n`,
        ...(isSqlite ? [campaignId, incident.id, status, at, at] : [campaignId, incident.id, status, at]),
      );
    await bulk(1_000, 0, "queued");
    const first = await viewer.agent.get(path);
    assert.match(first.text, /<span class="count" data-count="queued">1,011<\/span>/);
    await bulk(5, 1_000, "sent");
    await t.db.prisma.delivery.updateMany({ where: { id: { in: ["bulk-0", "bulk-1"] } }, data: { status: "failed" } });
    const second = await viewer.agent.get(path);
    assert.match(second.text, /<span class="count" data-count="sent">5<\/span>/, "counted on this load");
    assert.match(second.text, /<span class="count" data-count="failed">2<\/span>/);
    assert.match(second.text, /<span class="count" data-count="queued">1,009<\/span>/);
    assert.doesNotMatch(second.text, /counted \d+ s ago/);
  });

  it("needs a second manager's approval: the creator cannot give it, another manager can", async () => {
    const path = await createDraft(alice, { isApprovalRequired: "on" });
    const own = await alice.agent.get(path);
    assert.doesNotMatch(own.text, /Approve this campaign/);
    assert.match(own.text, /waits for the approval of a manager other than the one who created it/);
    const refused = await postFrom(alice, path, `${path}/approve`);
    assert.equal(refused.status, 303);
    assert.match((await alice.agent.get(path)).text, /approved by a second manager, not by the one who created it/);
    const refusedStart = await postFrom(alice, `${path}/start`, `${path}/start`, { when: "now" });
    assert.equal(refusedStart.status, 409);
    assert.match(refusedStart.text, /needs the approval of a second manager/);
    assert.match((await bob.agent.get(path)).text, /Approve this campaign/);
    await postFrom(bob, path, `${path}/approve`);
    assert.match((await bob.agent.get(path)).text, /Campaign approved/);
    assert.match((await alice.agent.get(path)).text, /Start or schedule/);
  });

  it("schedules a draft for later in the incident's zone, and takes it back to draft", async () => {
    const path = await createDraft(alice, { when: "later", scheduledAt: "2026-03-05 09:30" });
    const confirm = await alice.agent.get(`${path}/start`);
    assert.match(confirm.text, /value="2026-03-05 09:30"/);
    assert.match(confirm.text, /id="when-later" name="when" value="later" checked/);
    const past = await postFrom(alice, `${path}/start`, `${path}/start`, { when: "later", scheduledAt: "2026-03-01 09:00" });
    assert.equal(past.status, 409);
    assert.match(past.text, /The start must be in the future/);
    await postFrom(alice, `${path}/start`, `${path}/start`, { when: "later", scheduledAt: "2026-03-05 09:30" });
    const campaign = await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: path.split("/").pop()! } });
    assert.deepEqual([campaign.status, campaign.scheduledAt?.toISOString()], ["scheduled", "2026-03-04T22:30:00.000Z"]);
    const page = await alice.agent.get(path);
    assert.match(page.text, /Campaign scheduled: the worker starts it at/);
    assert.match(page.text, /content="30"/);
    await postFrom(alice, path, `${path}/unschedule`);
    assert.equal((await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status, "draft");
  });

  it("pauses with a reason, resumes, retries the failed ones and cancels after a confirmation", async () => {
    const path = await createDraft(alice);
    await postFrom(alice, `${path}/start`, `${path}/start`, { when: "now" });
    const id = path.split("/").pop()!;
    await postFrom(alice, path, `${path}/pause`, { reason: "a typo in the phone number" });
    const paused = await alice.agent.get(path);
    assert.match(paused.text, /data-pause-reason>Paused by [^:]+: a typo in the phone number</);
    assert.match(paused.text, /Resume sending/);
    await postFrom(alice, path, `${path}/resume`);
    assert.equal((await t.db.prisma.campaign.findUniqueOrThrow({ where: { id } })).status, "sending");

    const first = await t.db.prisma.delivery.findFirstOrThrow({ where: { campaignId: id, status: "queued" } });
    await t.db.prisma.delivery.update({
      where: { id: first.id },
      data: { status: "failed", smtpCode: 550, smtpResponse: "550 no" },
    });
    const withFailed = await alice.agent.get(path);
    assert.match(withFailed.text, /Retry the 1 failed/);
    await postFrom(alice, path, `${path}/retry-failed`);
    assert.match((await alice.agent.get(path)).text, /1 failed notice is queued again\./);

    const confirm = await alice.agent.get(`${path}/cancel`);
    assert.match(confirm.text, /<strong data-count="to-cancel">11<\/strong> queued notices will not be sent/);
    await postFrom(alice, `${path}/cancel`, `${path}/cancel`);
    const cancelled = await alice.agent.get(path);
    assert.match(cancelled.text, /Campaign cancelled: 11 notices will not be sent\./);
    assert.doesNotMatch(cancelled.text, /Pause sending|Cancel…/);
    const again = await postFrom(alice, path, `${path}/cancel`);
    assert.equal(again.status, 303);
    assert.match((await alice.agent.get(path)).text, /nothing left to cancel/);
  });

  it("lets viewers read and refuses them every action; sends strangers to sign in; refuses a form without its token", async () => {
    const path = await createDraft(alice);
    const ledgerOf = `/incidents/${ref}/ledger?campaign=${path.split("/").pop()}`;
    for (const page of [campaignsPath(), path, ledgerOf]) assert.equal((await viewer.agent.get(page)).status, 200, page);
    assert.equal((await viewer.agent.get(`${path}/deliveries`)).status, 302);
    for (const page of [`${campaignsPath()}/new`, `${path}/start`, `${path}/cancel`])
      assert.equal((await viewer.agent.get(page)).status, 403, page);
    for (const action of ["approve", "start", "unschedule", "pause", "resume", "cancel", "retry-failed"]) {
      assert.equal((await postFrom(viewer, path, `${path}/${action}`)).status, 403, action);
    }
    assert.equal((await postFrom(viewer, `${campaignsPath()}`, campaignsPath(), { name: "x", templateId })).status, 403);
    const stranger = agentFor(t);
    const away = await stranger.agent.get(path);
    assert.equal(away.status, 303);
    assert.match(String(away.headers.location), /^\/login\?next=/);
    const forged = await alice.agent.post(`${path}/cancel`).type("form").send({});
    assert.equal(forged.status, 403);
    assert.equal((await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: path.split("/").pop()! } })).status, "draft");
  });

  it("answers 404 for a campaign of another incident or none, and lists campaigns on the incident page", async () => {
    const path = await createDraft(alice);
    const other = await addIncident(t);
    const id = path.split("/").pop()!;
    assert.equal((await viewer.agent.get(`/incidents/${other.reference}/campaigns/${id}`)).status, 404);
    assert.equal((await viewer.agent.get(`${campaignsPath()}/no-such-campaign`)).status, 404);
    const incidentPage = await viewer.agent.get(`/incidents/${ref}/notifications`);
    assert.match(incidentPage.text, /href="\/incidents\/[^"]+\/campaigns">All campaigns<\/a>/);
    assert.match(
      incidentPage.text,
      /<a href="\/incidents\/[^"]+\/campaigns\/[^"]+">First notice<\/a>\s*<span class="status status--draft">Draft<\/span>/,
    );
    const list = await viewer.agent.get(campaignsPath());
    assert.match(list.text, /First notice/);
    assert.doesNotMatch(list.text, /New campaign<\/a>/, "a viewer is not offered a new campaign");
  });
});
