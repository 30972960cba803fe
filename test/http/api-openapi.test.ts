import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import * as ajvFormats from "ajv-formats";
import supertest from "supertest";
import { apiRouter } from "../../src/api/api.routes.js";
import { openApiPath } from "../../src/api/api-openapi.js";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { runPeopleImport } from "../../src/modules/people/people-import.job.js";
import { addUser, createTestApp, type TestApp } from "../helpers/app.js";
import { addNoticeTemplate } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";

const system = { userId: null, label: "test", ip: null };
// ajv-formats is CommonJS: under Node's ESM loader its plugin is the namespace's default.
const addFormats = (ajvFormats as unknown as { default: (ajv: Ajv2020) => Ajv2020 }).default;

// biome-ignore lint/suspicious/noExplicitAny: the document and the answers are walked as untyped JSON.
type Json = Record<string, any>;
type Method = "get" | "post" | "delete";
type Who = "viewer" | "alice" | "bob" | "nobody" | "ada";

const CSV = [
  "Email,Given name,Family name,Country",
  "ann@example.org,Ann,Lee,AU",
  "ben@example.org,Ben,Ng,NZ",
  "cat@example.org,Cat,Ng,AU,surplus",
].join("\r\n");

/**
 * The OpenAPI document is kept true: it is a valid OpenAPI 3.1 document, every route mounted
 * under /api/v1 is in it and every path in it is mounted, and the real answers of every
 * operation (a 2xx of each, and the errors on the way) validate against it with ajv's 2020-12
 * validator, on the lane's database.
 */
describe(`OpenAPI document (${testLane})`, () => {
  let t: TestApp;
  let http: ReturnType<typeof supertest>;
  let doc: Json;
  let ajv: Ajv2020;
  const tokens: Record<Who, string> = { viewer: "", alice: "", bob: "", nobody: "", ada: "" };
  /** The operations answered with a 2xx, as "get /incidents/{reference}". */
  const succeeded = new Set<string>();
  /** Every status answered and checked. */
  const statuses = new Set<number>();

  before(async () => {
    t = await createTestApp();
    http = supertest(t.app);
    for (const [who, role] of [
      ["viewer", "viewer"],
      ["alice", "manager"],
      ["bob", "manager"],
      ["ada", "admin"],
    ] as const) {
      const user = await addUser(t, role, `${who}@example.org`);
      tokens[who] = (await createApiToken(t.deps, user.id, { name: `${who}'s script` }, system)).token;
    }
  });
  after(() => t.close());

  /** The schema a documented answer has, or a failure naming the undocumented status. */
  function responseOf(template: string, method: Method, status: number, text: string): Json {
    const operation = doc.paths[template]?.[method];
    assert.ok(operation, `${method.toUpperCase()} ${template} is not in the document`);
    let response = operation.responses[String(status)];
    assert.ok(
      response,
      `${method.toUpperCase()} ${template} answered ${status}, which the document does not list: ${text.slice(0, 500)}`,
    );
    if (response.$ref) response = doc.components.responses[String(response.$ref).split("/").pop()!];
    return response;
  }

  /** Calls an operation by its documented path and checks the answer against the document. */
  async function call(
    who: Who,
    method: Method,
    template: string,
    params: Record<string, string>,
    send?: { json?: object; csv?: string; query?: string; file?: { name: string; content: Buffer } },
  ) {
    const url = `/api/v1${template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]!))}${send?.query ?? ""}`;
    let req = http[method](url);
    if (who !== "nobody") req = req.set("Authorization", `Bearer ${tokens[who]}`);
    const res =
      send?.csv !== undefined
        ? await req.set("Content-Type", "text/csv").send(send.csv)
        : send?.file
          ? await req.attach("file", send.file.content, send.file.name)
          : await req.send(send?.json);
    const response = responseOf(template, method, res.status, res.text ?? "(a binary body)");
    const content = response.content as Json | undefined;
    if (res.status === 204) assert.equal(content, undefined, "a 204 is documented without content");
    else if (content?.["text/csv"]) assert.match(String(res.headers["content-type"]), /^text\/csv/);
    else if (content?.["application/pdf"]) assert.match(String(res.headers["content-type"]), /^application\/pdf/);
    else if (content?.["application/octet-stream"]) assert.equal(res.headers["content-type"], "application/octet-stream");
    else {
      assert.match(String(res.headers["content-type"]), /^application\/json/);
      const ref = String(content?.["application/json"]?.schema?.$ref ?? "");
      assert.ok(ref, `${method} ${template} ${res.status} has a JSON schema`);
      const isValid = ajv.validate({ $ref: `breachdesk-openapi.json${ref}` }, res.body);
      assert.ok(
        isValid,
        `${method} ${template} ${res.status}: ${ajv.errorsText(ajv.errors)}\n${JSON.stringify(res.body).slice(0, 800)}`,
      );
    }
    statuses.add(res.status);
    if (res.status < 300) succeeded.add(`${method} ${template}`);
    return res;
  }

  it("is served without a token, and is a valid OpenAPI 3.1 document", async () => {
    const res = await http.get("/api/v1/openapi.json");
    assert.equal(res.status, 200);
    assert.match(String(res.headers["content-type"]), /^application\/json/);
    doc = res.body;
    assert.equal(doc.openapi, "3.1.0");
    const result = await new Validator().validate(structuredClone(doc));
    assert.deepEqual(result, { valid: true });
    const withBadToken = await http.get("/api/v1/openapi.json").set("Authorization", "Bearer nope");
    assert.equal(withBadToken.status, 200, "the document needs no token, and a bad one does not refuse it");
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...doc, $id: "breachdesk-openapi.json" });
  });

  it("documents every route mounted under /api/v1, and mounts every documented path", () => {
    const mounted = new Set<string>();
    const router = apiRouter(t.deps) as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    for (const layer of router.stack) {
      if (!layer.route) continue;
      for (const [method, isOn] of Object.entries(layer.route.methods)) {
        if (isOn && method !== "_all") mounted.add(`${method} ${openApiPath(layer.route.path)}`);
      }
    }
    const documented = new Set(
      Object.entries(doc.paths as Json).flatMap(([path, operations]) =>
        Object.keys(operations as Json)
          .filter((key) => ["get", "post", "put", "patch", "delete"].includes(key))
          .map((method) => `${method} ${path}`),
      ),
    );
    assert.ok(mounted.size > 30, `found ${mounted.size} routes`);
    assert.deepEqual([...mounted].sort(), [...documented].sort());
  });

  it("validates the real answers of every operation against the document", async () => {
    const I = "/incidents/{reference}";
    // Incidents and the timeline.
    const created = await call(
      "alice",
      "post",
      "/incidents",
      {},
      { json: { title: "Ticket portal", severity: "high", timeZone: "Europe/Dublin", awareAt: "2026-02-28 17:00" } },
    );
    assert.equal(created.status, 201);
    const reference = created.body.reference as string;
    const at = { reference };
    await call("alice", "post", "/incidents", {}, { json: { title: "" } });
    await call("viewer", "post", "/incidents", {}, { json: { title: "x" } });
    await call("nobody", "get", "/incidents", {});
    await call("viewer", "get", "/incidents", {}, { query: "?status=all&limit=5" });
    await call("viewer", "get", "/incidents", {}, { query: "?limit=500" });
    await call("viewer", "get", I, at);
    await call("viewer", "get", I, { reference: "BD-2026-9999" });
    await call("alice", "post", `${I}/events`, at, {
      json: { kind: "note", description: "Portal taken offline", occurredAt: "2026-03-01 10:00" },
    });
    await call("viewer", "get", `${I}/events`, at);
    await call("viewer", "get", `${I}/audit`, at, { query: "?limit=2" });

    // Obligations and clocks.
    await call("alice", "post", `${I}/obligations`, at, { json: { rule: "EU-GDPR-33" } });
    await call("alice", "post", `${I}/obligations`, at, { json: { rule: "AU-NDB-assess" } });
    await call("alice", "post", `${I}/obligations`, at, { json: { rule: "XX-NONE-1" } });
    const listed = await call("viewer", "get", `${I}/obligations`, at);
    assert.equal(listed.body.obligations.length, 2);
    const rule = { reference, rule: "AU-NDB-assess" };
    await call("viewer", "get", `${I}/obligations/{rule}`, rule);
    await call("alice", "post", `${I}/obligations/{rule}/status`, rule, {
      json: { status: "met", metAt: "2026-03-02 08:00", metHow: "Assessed", evidenceNote: "The assessment" },
    });
    await call("alice", "delete", `${I}/obligations/{rule}`, rule);
    await call("alice", "post", `${I}/clock-events`, at, { json: { code: "awareness", at: "2026-03-01 08:00" } });
    await call("alice", "post", `${I}/clock-events`, at, { json: { code: "awareness", at: "2026-03-01 07:00" } });
    await call("alice", "post", `${I}/clock-events`, at, { json: { code: "nope", at: "2026-03-01 07:00" } });
    await call("viewer", "get", `${I}/clock-events`, at);
    const dpdp = { reference, rule: "IN-DPDP-board-72h" };
    await call("alice", "post", `${I}/obligations`, at, { json: { rule: dpdp.rule } });
    await call("alice", "post", `${I}/obligations/{rule}/delays`, dpdp, {
      json: { kind: "extension_granted", at: "2026-03-02 08:00", until: "2026-03-10 08:00", agency: "Data Protection Board" },
    });
    await call("alice", "post", `${I}/obligations/{rule}/delays`, dpdp, {
      json: { kind: "law_enforcement_delay", at: "2026-03-02 08:00", agency: "CBI" },
    });
    await call("alice", "delete", `${I}/obligations/{rule}`, { reference, rule: "EU-GDPR-33" });

    // People: an upload kept for review, started with a mapping, imported, then listed.
    const P = `${I}/people`;
    const uploaded = await call("alice", "post", `${P}/imports`, at, { csv: CSV, query: "?fileName=people.csv&start=false" });
    assert.equal(uploaded.status, 201);
    const imported = { reference, importId: uploaded.body.id as string };
    await call("alice", "post", `${P}/imports/{importId}/start`, imported, { json: {} });
    await runPeopleImport({ db: t.db, clock: t.clock }, imported.importId);
    await call("viewer", "get", `${P}/imports`, at);
    await call("viewer", "get", `${P}/imports/{importId}`, imported);
    await call("viewer", "get", `${P}/imports/{importId}/errors.csv`, imported);
    const dismissed = await call("alice", "post", `${P}/imports/{importId}/rejected`, imported, {
      json: { resolution: "dismissed", note: "A row with a surplus field: Cat is told from the corrected file." },
    });
    assert.equal(dismissed.status, 200, dismissed.text);
    const people = await call("viewer", "get", P, at, { query: "?limit=2" });
    await call("viewer", "get", P, at, { query: "?country=Australia" });
    await call("viewer", "get", `${P}/summary`, at);
    const person = { reference, personId: people.body.data[0].id as string };
    await call("viewer", "get", `${P}/{personId}`, person);
    await call("alice", "delete", `${P}/{personId}`, person);
    // A second import, started at once (202), is queued: deleting a person meanwhile is refused (409).
    const again = await call("alice", "post", `${P}/imports`, at, { csv: CSV, query: "?fileName=again.csv" });
    assert.equal(again.status, 202);
    await call("alice", "delete", `${P}/{personId}`, { reference, personId: people.body.data[1].id as string });
    await runPeopleImport({ db: t.db, clock: t.clock }, again.body.id as string);
    await call("viewer", "get", `${P}/{personId}`, person);

    // Campaigns: approval by a second manager, start, pause, resume, retry, cancel, deliveries.
    const C = `${I}/campaigns`;
    const { templateId } = await addNoticeTemplate(t.db, created.body.id, ["en"]);
    const campaign = await call("alice", "post", C, at, { json: { name: "First notice", templateId, isApprovalRequired: true } });
    const one = { reference, campaignId: campaign.body.id as string };
    await call("alice", "post", `${C}/{campaignId}/start`, one, { json: {} });
    await call("alice", "post", `${C}/{campaignId}/approve`, one);
    await call("bob", "post", `${C}/{campaignId}/approve`, one);
    await call("alice", "post", `${C}/{campaignId}/start`, one, { json: {} });
    await call("alice", "post", `${C}/{campaignId}/pause`, one, { json: { reason: "checking the wording" } });
    await call("alice", "post", `${C}/{campaignId}/resume`, one);
    // A notice refused for good by the server, as the worker would record it, is queued again.
    const queued = await t.db.prisma.delivery.findFirstOrThrow({ where: { campaignId: one.campaignId, status: "queued" } });
    await t.db.prisma.delivery.update({
      where: { id: queued.id },
      data: { status: "failed", smtpCode: 550, smtpResponse: "550 5.7.1 rejected", failedAt: t.clock.now() },
    });
    await call("alice", "post", `${C}/{campaignId}/retry-failed`, one);
    await call("viewer", "get", C, at);
    await call("viewer", "get", `${C}/{campaignId}`, one);
    await call("viewer", "get", `${C}/{campaignId}/deliveries`, one);
    await call("alice", "post", `${C}/{campaignId}/cancel`, one);
    await call("alice", "post", `${C}/{campaignId}/resume`, one);

    // Who is at risk, coverage and the people to tell another way (two people without an address).
    await call("alice", "post", `${P}/imports/{importId}/risk`, imported, {
      json: { risk: "yes", note: "Plain-text passwords" },
    });
    const kept = { reference, personId: people.body.data[1].id as string };
    await call("alice", "post", `${P}/{personId}/risk`, kept, { json: { risk: "no", note: "Changed it the day before" } });
    await call("viewer", "get", `${I}/risk`, at);
    await call("viewer", "get", `${I}/coverage`, at, { query: "?atRisk=true&places=AU,NZ" });
    await call("viewer", "get", `${I}/coverage`, at, { query: "?places=Sydney" });
    for (const id of ["no-address-1", "no-address-2"]) {
      const now = t.clock.now();
      await t.db.prisma.person.create({
        data: { id, incidentId: created.body.id, uniqueKey: id, givenName: id, createdAt: now, updatedAt: now },
      });
    }
    const toTell = await call("viewer", "get", `${I}/people-to-tell`, at, { query: "?reason=no_email" });
    assert.equal(toTell.body.page.total, 2);
    const told = { channel: "letter", toldAt: "2026-03-01 09:00", note: "Registered letter RL-1" };
    await call("alice", "post", `${I}/people-to-tell/told`, at, { json: { ...told, personIds: ["no-address-1"] } });
    await call("alice", "post", `${I}/people-to-tell/told`, at, { json: { ...told, personIds: ["no-address-1"] } });
    const letters = `${I}/people-to-tell/letters`;
    await call("alice", "post", letters, at, {
      csv: "person_id,told_at\nnobody,2026-03-01 10:00\n",
      query: "?channel=letter&note=RL",
    });
    await call("alice", "post", letters, at, {
      csv: "person_id,told_at\nno-address-2,2026-03-01 10:00\n",
      query: "?channel=letter&note=RL",
    });

    // The organisation: an administrator sets its profile, a manager an incident's own sender.
    const profile = { name: "Example Org", senderName: "Example Org Privacy", senderAddress: "privacy@example.org" };
    await call("alice", "post", "/organisation", {}, { json: profile });
    await call("ada", "post", "/organisation", {}, { json: { ...profile, senderAddress: "breachdesk@localhost" } });
    await call("ada", "post", "/organisation", {}, { json: profile });
    await call("viewer", "get", "/organisation", {});
    // Who the law reaches (decision 0032): an administrator sets it, a bad jurisdiction code refused, anyone reads it.
    const reach = { establishedIn: ["AU-NSW"], annualTurnover: { amount: 1200000, currency: "AUD" }, offersToEU: false };
    await call("ada", "post", "/organisation/applicability", {}, { json: reach });
    await call("ada", "post", "/organisation/applicability", {}, { json: { ...reach, offersToEU: "perhaps" } });
    await call("viewer", "get", "/organisation/applicability", {});
    await call("alice", "post", `${I}/organisation`, at, {
      json: { senderName: "The incident team", replyTo: "team@example.org" },
    });
    const own = await call("viewer", "get", `${I}/organisation`, at);
    assert.equal(own.body.sender.text, "The incident team <privacy@example.org>");

    // Statements to regulators: drafted from the record, read, saved, submitted, as a PDF.
    const S = `${I}/statements`;
    const drafted = await call("alice", "post", S, at, { json: { rule: "AU-NDB-oaic" } });
    assert.equal(drafted.status, 201);
    await call("alice", "post", S, at, { json: { rule: "AU-NDB-oaic" } });
    await call("alice", "post", S, at, { json: { rule: "AU-NDB-individuals" } });
    await call("viewer", "post", S, at, { json: { rule: "AU-NDB-oaic" } });
    const st = { reference, statementId: drafted.body.id as string };
    await call("viewer", "get", S, at);
    await call("viewer", "get", `${S}/{statementId}`, st, { query: "?version=1" });
    await call("viewer", "get", `${S}/{statementId}.pdf`, st);
    await call("alice", "post", `${S}/{statementId}`, st, { json: { fields: { individualsAffected: "3" }, baseVersion: 1 } });
    await call("alice", "post", `${S}/{statementId}`, st, { json: { fields: { individualsAffected: "4" }, baseVersion: 1 } });
    await call("alice", "post", `${S}/{statementId}/submit`, st, {
      json: { submittedAt: "2026-03-01T09:00:00Z", how: "portal" },
    });
    await call("alice", "post", `${S}/{statementId}/submit`, st, {
      json: { submittedAt: "2026-03-01T09:00:00Z", how: "portal" },
    });

    // The public report: a draft, published to an address read without signing in, its versions, taken down.
    const PR = `${I}/public-report`;
    await call("viewer", "get", PR, at);
    await call("alice", "post", `${PR}/publish`, at);
    await call("alice", "post", PR, at, { json: { narrative: "We were attacked; no personal data was taken." } });
    await call("alice", "post", PR, at, { json: { kind: "press release" } });
    const published = await call("alice", "post", `${PR}/publish`, at);
    assert.match(published.body.url, /^\/public\//);
    await call("viewer", "get", `${PR}/versions`, at);
    await call("viewer", "get", `${PR}/versions/{version}`, { reference, version: "1" });
    await call("viewer", "get", `${PR}/versions/{version}`, { reference, version: "7" });
    await call("alice", "post", `${PR}/unpublish`, at);
    await call("alice", "post", `${PR}/unpublish`, at);

    // The breach register: every incident with its decision and the statement just submitted.
    const registered = await call("viewer", "get", "/register", {});
    const inRegister = registered.body.incidents.find((i: Json) => i.reference === reference);
    assert.equal(inRegister?.notifications.regulators[0]?.rule, "AU-NDB-oaic");
    await call("viewer", "get", "/register", {}, { query: "?year=2016&status=closed_not_notifiable" });
    await call("viewer", "get", "/register", {}, { query: "?status=finished" });

    // Evidence files: a multipart upload, the list, the download.
    const E = `${I}/evidence`;
    const evidence = await call("alice", "post", E, at, {
      file: { name: "report.txt", content: Buffer.from("Forensic report") },
    });
    assert.equal(evidence.status, 201);
    await call("alice", "post", E, at, { json: { file: "not multipart" } });
    await call("viewer", "post", E, at, { file: { name: "report.txt", content: Buffer.from("x") } });
    await call("viewer", "get", E, at);
    await call("viewer", "get", `${E}/{fileId}`, { reference, fileId: evidence.body.id as string });
    await call("viewer", "get", `${E}/{fileId}`, { reference, fileId: "no-such-file" });

    // Retention: the rule, a legal hold set and lifted, the purge refused while open then run once closed, the lookup.
    const RT = `${I}/retention`;
    await call("viewer", "get", RT, at);
    await call("alice", "post", RT, at, { json: { daysAfterClose: -1 } });
    await call("alice", "post", RT, at, { json: { daysAfterClose: 0, evidenceFiles: "kept" } });
    await call("alice", "post", `${RT}/hold`, at, { json: { isHeld: true, reason: "Court order" } });
    await call("alice", "post", `${RT}/hold`, at, { json: { isHeld: false } });
    await call("alice", "post", `${RT}/purge`, at);
    await t.db.prisma.incident.update({
      where: { reference },
      data: { status: "closed", closedAt: new Date("2026-01-01T00:00:00Z") },
    });
    const purged = await call("alice", "post", `${RT}/purge`, at);
    assert.equal(purged.status, 200);
    const looked = await call("viewer", "post", `${RT}/lookup`, at, { json: { email: "ANN@example.org" } });
    assert.equal(looked.body.found, true);

    // The evidence pack: built and answered as a zip (POST with the choice in the body, GET in the query), a bad choice a 400.
    await call("viewer", "post", `${I}/evidence-pack`, at, { json: { include_personal_data: false } });
    await call("viewer", "post", `${I}/evidence-pack`, at, { json: { include_personal_data: "maybe" } });
    await call("viewer", "get", `${I}/evidence-pack`, at, { query: "?include_personal_data=true" });
    await call("viewer", "get", `${I}/evidence-pack`, at, { query: "?include_personal_data=perhaps" });

    // Your own sessions and tokens: a session of the viewer's (as the session store writes it) listed and ended; a spare token revoked.
    const viewer = await t.deps.db.prisma.user.findFirstOrThrow({ where: { email: "viewer@example.org" } });
    await t.deps.db.prisma.session.create({
      data: { id: "openapi-session", userId: viewer.id, data: "{}", expiresAt: new Date(Date.now() + 3600_000), ip: "192.0.2.9" },
    });
    const mySessions = await call("viewer", "get", "/me/sessions", {});
    assert.equal(mySessions.body.sessions.length, 1);
    await call("viewer", "delete", "/me/sessions/{id}", { id: mySessions.body.sessions[0].id as string });
    // The team and access (decision 0030): listed, the viewer put on it and taken off, a stranger's address refused, the access set.
    const M = `${I}/members`;
    const teamViewer = await t.deps.db.prisma.user.findFirstOrThrow({ where: { email: "viewer@example.org" } });
    await call("viewer", "get", M, at);
    await call("alice", "post", M, at, { json: { email: "viewer@example.org", role: "viewer" } });
    await call("alice", "post", M, at, { json: { email: "nobody@example.org", role: "viewer" } });
    await call("alice", "delete", `${M}/{userId}`, { reference, userId: teamViewer.id });
    await call("alice", "post", `${I}/access`, at, { json: { access: "open" } });

    await call("viewer", "delete", "/me/sessions/{id}", { id: mySessions.body.sessions[0].id as string });
    const spare = await createApiToken(t.deps, viewer.id, { name: "spare", scope: "read_only" }, system);
    await call("viewer", "get", "/me/tokens", {});
    await call("viewer", "delete", "/me/tokens/{id}", { id: spare.apiToken.id });
    await call("viewer", "delete", "/me/tokens/{id}", { id: spare.apiToken.id });

    // Is this notice genuine? Open to anyone, no token: an unknown code's answer, and a malformed code's 400.
    const verified = await call("nobody", "post", "/verify", {}, { json: { code: "7kq2 m9xd 4trp" } });
    assert.equal(verified.body.isGenuine, false);
    await call("nobody", "post", "/verify", {}, { json: { code: "7KQ2" } });

    const operations = Object.entries(doc.paths as Json).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    const missed = operations.filter((op) => op !== "get /openapi.json" && !succeeded.has(op));
    assert.deepEqual(missed, [], "every operation answered at least once with success");
    assert.deepEqual(
      [400, 401, 403, 404, 409].filter((status) => !statuses.has(status)),
      [],
      "each kind of refusal was checked against the document too",
    );
  });
});
