import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import express from "express";
import supertest from "supertest";
import { apiErrorHandler, ensureRequestId } from "../../src/api/api-errors.js";
import type { User } from "../../src/generated/sqlite/client.js";
import { createApiToken, revokeApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import type { Role } from "../../src/modules/users/users.schemas.js";
import { deactivateUser } from "../../src/modules/users/users.service.js";
import { addUser, createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";

const system = { userId: null, label: "test", ip: null };

interface Caller {
  user: User;
  token: string;
  tokenName: string;
}

describe("JSON API v1", () => {
  let t: TestApp;
  let http: ReturnType<typeof supertest>;
  const callers = {} as Record<Role, Caller>;

  async function newCaller(role: Role, tokenName = `${role} tool`): Promise<Caller> {
    const user = await addUser(t, role);
    const { token } = await createApiToken(t.deps, user.id, { name: tokenName }, system);
    return { user, token, tokenName };
  }

  const get = (path: string, caller: Caller) => http.get(path).set("Authorization", `Bearer ${caller.token}`);
  const post = (path: string, caller: Caller, body: object) =>
    http.post(path).set("Authorization", `Bearer ${caller.token}`).send(body);

  async function newIncident(fields: Record<string, unknown> = {}) {
    const res = await post("/api/v1/incidents", callers.manager, {
      title: "Phishing of a payroll clerk",
      severity: "high",
      timeZone: "Australia/Sydney",
      ...fields,
    });
    assert.equal(res.status, 201, res.text);
    return res.body as { reference: string; id: string };
  }

  before(async () => {
    t = await createTestApp();
    http = supertest(t.app);
    for (const role of ["viewer", "manager", "admin"] as const) callers[role] = await newCaller(role);
  });
  after(() => t.close());

  describe("authentication", () => {
    function assertRefused(res: supertest.Response, challenge: RegExp) {
      assert.equal(res.status, 401);
      assert.match(String(res.headers["www-authenticate"]), challenge);
      assert.equal(res.body.error.status, 401);
      assert.equal(res.body.error.code, "unauthenticated");
      assert.equal(typeof res.body.error.message, "string");
      assert.equal(res.body.error.requestId, res.headers["x-request-id"]);
      assert.equal(res.body.error.fields, undefined);
    }

    it("refuses a request without a token, with a Bearer challenge", async () => {
      assertRefused(await http.get("/api/v1/incidents"), /^Bearer realm="breachdesk"$/);
      assertRefused(await http.post("/api/v1/incidents").send({ title: "x" }), /^Bearer/);
    });

    it("refuses a malformed header, a malformed token and an unknown token", async () => {
      assertRefused(await http.get("/api/v1/incidents").set("Authorization", "Basic dXNlcjpwYXNz"), /invalid_request/);
      assertRefused(await http.get("/api/v1/incidents").set("Authorization", "Bearer"), /invalid_request/);
      assertRefused(await http.get("/api/v1/incidents").set("Authorization", "Bearer not-a-token"), /invalid_token/);
      assertRefused(await http.get("/api/v1/incidents").set("Authorization", `Bearer ${callers.viewer.token}x`), /invalid_token/);
      const forged = `bd_${"A".repeat(43)}`;
      assertRefused(await http.get("/api/v1/incidents").set("Authorization", `Bearer ${forged}`), /invalid_token/);
    });

    it("accepts the scheme in any case", async () => {
      const res = await http.get("/api/v1/incidents").set("Authorization", `bearer ${callers.viewer.token}`);
      assert.equal(res.status, 200);
    });

    it("refuses a revoked token at once", async () => {
      const caller = await newCaller("manager", "soon revoked");
      assert.equal((await get("/api/v1/incidents", caller)).status, 200);
      const row = await t.db.prisma.apiToken.findFirstOrThrow({ where: { userId: caller.user.id } });
      await revokeApiToken(t.deps, row.id, system);
      assertRefused(await get("/api/v1/incidents", caller), /invalid_token/);
    });

    it("refuses the token of a deactivated user", async () => {
      const caller = await newCaller("manager", "of a leaver");
      assert.equal((await get("/api/v1/incidents", caller)).status, 200);
      await deactivateUser(t.deps, caller.user.id, system);
      assertRefused(await get("/api/v1/incidents", caller), /invalid_token/);
    });

    it("does not take a session cookie for a token, and needs no CSRF token", async () => {
      const browser = await signedIn(t, "admin");
      assert.equal((await browser.agent.get("/")).status, 200, "the session works on the site");
      const withCookie = await browser.agent.get("/api/v1/incidents");
      assert.equal(withCookie.status, 401);
      const postWithCookie = await browser.agent
        .post("/api/v1/incidents")
        .set("X-CSRF-Token", csrfFrom((await browser.agent.get("/")).text))
        .send({ title: "Via cookie", severity: "low", timeZone: "UTC" });
      assert.equal(postWithCookie.status, 401);
      const withToken = await browser.agent
        .post("/api/v1/incidents")
        .set("Authorization", `Bearer ${callers.manager.token}`)
        .send({ title: "No CSRF token needed", severity: "low", timeZone: "UTC" });
      assert.equal(withToken.status, 201, withToken.text);
      assert.equal(await t.db.prisma.incident.count({ where: { title: "Via cookie" } }), 0);
    });

    it("records when a token was last used, at most once a minute", async () => {
      const caller = await newCaller("viewer", "clocked");
      const lastUsed = async () =>
        (await t.db.prisma.apiToken.findFirstOrThrow({ where: { userId: caller.user.id } })).lastUsedAt?.toISOString();
      assert.equal(await lastUsed(), undefined);
      const first = t.clock.now().toISOString();
      await get("/api/v1/incidents", caller);
      assert.equal(await lastUsed(), first);
      t.clock.advance(30_000);
      await get("/api/v1/incidents", caller);
      assert.equal(await lastUsed(), first, "not rewritten within the minute");
      t.clock.advance(31_000);
      await get("/api/v1/incidents", caller);
      assert.equal(await lastUsed(), t.clock.now().toISOString());
    });
  });

  describe("roles", () => {
    it("lets a viewer's token read but not write (403)", async () => {
      const { reference } = await newIncident();
      for (const path of [
        "/api/v1/incidents",
        `/api/v1/incidents/${reference}`,
        `/api/v1/incidents/${reference}/events`,
        `/api/v1/incidents/${reference}/audit`,
      ]) {
        assert.equal((await get(path, callers.viewer)).status, 200, path);
      }
      const create = await post("/api/v1/incidents", callers.viewer, { title: "Nope", severity: "low", timeZone: "UTC" });
      assert.equal(create.status, 403);
      assert.equal(create.body.error.code, "forbidden");
      assert.match(create.body.error.message, /needs the manager role/);
      const event = await post(`/api/v1/incidents/${reference}/events`, callers.viewer, {
        kind: "note",
        description: "Nope",
        occurredAt: "2026-03-02T08:00Z",
      });
      assert.equal(event.status, 403);
      assert.equal(await t.db.prisma.incident.count({ where: { title: "Nope" } }), 0);
    });

    it("lets manager and admin tokens write", async () => {
      for (const role of ["manager", "admin"] as const) {
        const res = await post("/api/v1/incidents", callers[role], { title: `By ${role}`, severity: "low", timeZone: "UTC" });
        assert.equal(res.status, 201, `${role}: ${res.text}`);
      }
    });
  });

  describe("incidents", () => {
    it("creates an incident: 201, a Location, instants in UTC, and the token's name in the audit log", async () => {
      const res = await post("/api/v1/incidents", callers.manager, {
        title: "  Ransomware on the file server ",
        summary: "Files encrypted overnight.",
        severity: "critical",
        timeZone: "Australia/Sydney",
        team: "Security",
        occurredFrom: "2026-03-01 23:30",
        detectedAt: "2026-03-02T06:10+11:00",
      });
      assert.equal(res.status, 201, res.text);
      assert.match(res.body.reference, /^BD-2026-\d{4}$/);
      assert.equal(res.headers.location, `/api/v1/incidents/${res.body.reference}`);
      assert.equal(res.body.title, "Ransomware on the file server");
      assert.equal(res.body.status, "detected");
      assert.equal(res.body.severity, "critical");
      assert.equal(res.body.occurredFrom, "2026-03-01T12:30:00.000Z", "a local time is read in the incident's zone");
      assert.equal(res.body.occurredTo, "2026-03-01T12:30:00.000Z");
      assert.equal(res.body.detectedAt, "2026-03-01T19:10:00.000Z");
      assert.equal(res.body.awareAt, null);
      assert.match(res.body.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual(res.body.links, {
        self: `/api/v1/incidents/${res.body.reference}`,
        events: `/api/v1/incidents/${res.body.reference}/events`,
        audit: `/api/v1/incidents/${res.body.reference}/audit`,
        obligations: `/api/v1/incidents/${res.body.reference}/obligations`,
        clockEvents: `/api/v1/incidents/${res.body.reference}/clock-events`,
      });
      const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
        where: { action: "incident.create", entityId: res.body.id },
      });
      assert.equal(audit.actorId, callers.manager.user.id);
      assert.equal(audit.actorLabel, `${callers.manager.user.email} (api: manager tool)`);
      assert.ok(!JSON.stringify(audit).includes(callers.manager.token));
    });

    it("refuses invalid input with a message per field", async () => {
      const res = await post("/api/v1/incidents", callers.manager, { title: " ", severity: "urgent", timeZone: "Mars/Olympus" });
      assert.equal(res.status, 400);
      assert.deepEqual(Object.keys(res.body.error).sort(), ["code", "fields", "message", "requestId", "status"]);
      assert.equal(res.body.error.code, "validation");
      assert.equal(res.body.error.status, 400);
      assert.deepEqual(res.body.error.fields, {
        title: "Enter a title.",
        severity: "Choose low, medium, high or critical.",
        timeZone: "Choose a time zone from the list, e.g. Australia/Sydney.",
      });
      const missing = await post("/api/v1/incidents", callers.manager, {});
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error.fields.title, "Enter a title.");
      const badInstant = await post("/api/v1/incidents", callers.manager, {
        title: "DST",
        severity: "low",
        timeZone: "Australia/Sydney",
        detectedAt: "2026-10-04 02:30",
      });
      assert.equal(badInstant.status, 400);
      assert.match(badInstant.body.error.fields.detectedAt, /does not exist in Australia\/Sydney/);
    });

    it("answers 415 to a body that is not JSON, and 400 to malformed JSON or a non-object", async () => {
      const form = await http
        .post("/api/v1/incidents")
        .set("Authorization", `Bearer ${callers.manager.token}`)
        .type("form")
        .send({ title: "x" });
      assert.equal(form.status, 415);
      assert.equal(form.body.error.code, "unsupported_media_type");
      const none = await http.post("/api/v1/incidents").set("Authorization", `Bearer ${callers.manager.token}`);
      assert.equal(none.status, 415);
      const malformed = await http
        .post("/api/v1/incidents")
        .set("Authorization", `Bearer ${callers.manager.token}`)
        .set("Content-Type", "application/json")
        .send('{"title": ');
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.error.code, "invalid_json");
      assert.doesNotMatch(malformed.text, /at .*\.(js|ts):\d+/);
      const list = await post("/api/v1/incidents", callers.manager, [{ title: "x" }]);
      assert.equal(list.status, 400);
      assert.equal(list.body.error.code, "invalid_body");
    });

    it("reads an incident by its reference, in any case, and answers 404 for an unknown one", async () => {
      const { reference, id } = await newIncident({ title: "Lost laptop" });
      const res = await get(`/api/v1/incidents/${reference.toLowerCase()}`, callers.viewer);
      assert.equal(res.status, 200);
      assert.equal(res.body.id, id);
      assert.equal(res.body.title, "Lost laptop");
      const missing = await get("/api/v1/incidents/BD-1999-0001", callers.viewer);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, "not_found");
      assert.match(missing.body.error.message, /There is no incident BD-1999-0001/);
      for (const path of ["/api/v1/incidents/BD-1999-0001/events", "/api/v1/incidents/BD-1999-0001/audit"]) {
        assert.equal((await get(path, callers.viewer)).status, 404, path);
      }
    });

    it("answers 413 to a body over 1 MB, and a 500 with only the request id to an unexpected fault", async () => {
      const huge = await post("/api/v1/incidents", callers.manager, { title: "x", summary: "y".repeat(1_100_000) });
      assert.equal(huge.status, 413);
      assert.equal(huge.body.error.code, "payload_too_large");

      const faulty = express();
      faulty.use(ensureRequestId);
      faulty.get("/boom", () => {
        throw new Error("database password is hunter2");
      });
      faulty.use(apiErrorHandler(t.deps.logger));
      const res = await supertest(faulty).get("/boom");
      assert.equal(res.status, 500);
      assert.equal(res.body.error.code, "internal");
      assert.ok(res.body.error.requestId);
      assert.doesNotMatch(res.text, /hunter2|at .*\.(js|ts):\d+/);
    });

    it("answers 404 in the same format for a path the API does not have", async () => {
      const res = await get("/api/v1/nothing-here", callers.viewer);
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, "not_found");
      assert.ok(res.body.error.requestId);
      const wrongMethod = await http.delete("/api/v1/incidents").set("Authorization", `Bearer ${callers.admin.token}`);
      assert.equal(wrongMethod.status, 404);
    });

    it("lists incidents with filters and limit/offset pages", async () => {
      const tag = `zebra${Date.now()}`;
      for (const severity of ["low", "medium", "high"]) await newIncident({ title: `${tag} ${severity}`, severity });
      const first = await get(`/api/v1/incidents?q=${tag}&limit=2`, callers.viewer);
      assert.equal(first.status, 200);
      assert.equal(first.body.data.length, 2);
      assert.deepEqual(first.body.page, { limit: 2, offset: 0, total: 3, nextOffset: 2 });
      const second = await get(`/api/v1/incidents?q=${tag}&limit=2&offset=2`, callers.viewer);
      assert.equal(second.body.data.length, 1);
      assert.equal(second.body.page.nextOffset, null);
      const seen = [...first.body.data, ...second.body.data].map((i: { title: string }) => i.title).sort();
      assert.deepEqual(seen, [`${tag} high`, `${tag} low`, `${tag} medium`]);
      const high = await get(`/api/v1/incidents?q=${tag.toUpperCase()}&severity=high`, callers.viewer);
      assert.deepEqual(
        high.body.data.map((i: { title: string }) => i.title),
        [`${tag} high`],
      );
      assert.match(high.body.data[0].updatedAt, /Z$/);
      const closed = await get(`/api/v1/incidents?q=${tag}&status=closed`, callers.viewer);
      assert.equal(closed.body.page.total, 0);
      const all = await get(`/api/v1/incidents?q=${tag}&status=all&sort=severity`, callers.viewer);
      assert.deepEqual(
        all.body.data.map((i: { severity: string }) => i.severity),
        ["high", "medium", "low"],
      );
    });

    it("refuses a bad list query with a message per parameter", async () => {
      const res = await get("/api/v1/incidents?limit=500&offset=-1&status=burning&severity=huge", callers.viewer);
      assert.equal(res.status, 400);
      assert.deepEqual(Object.keys(res.body.error.fields).sort(), ["limit", "offset", "severity", "status"]);
      assert.equal(res.body.error.fields.limit, "Give limit as a whole number from 1 to 100.");
      assert.match(res.body.error.fields.status, /^Use open \(the default\), all, or one status: detected/);
    });
  });

  describe("timeline events and the audit trail", () => {
    it("appends events, lists them in order, and refuses bad ones with a message per field", async () => {
      const { reference } = await newIncident({ timeZone: "Europe/Berlin" });
      const late = await post(`/api/v1/incidents/${reference}/events`, callers.manager, {
        kind: "containment",
        description: "Mailbox password reset.",
        occurredAt: "2026-03-02 09:30",
        visibility: "public",
      });
      assert.equal(late.status, 201, late.text);
      assert.equal(late.body.occurredAt, "2026-03-02T08:30:00.000Z", "read in the incident's zone");
      assert.equal(late.body.occurredZone, "Europe/Berlin");
      assert.equal(late.body.recordedAt, t.clock.now().toISOString());
      assert.equal(late.body.recordedBy, `${callers.manager.user.email} (api: manager tool)`);
      assert.equal(late.body.visibility, "public");
      assert.deepEqual(late.body.systemIds, []);
      const early = await post(`/api/v1/incidents/${reference}/events`, callers.manager, {
        kind: "detection",
        description: "SIEM alert: impossible travel.",
        occurredAt: "2026-03-02T01:15",
        occurredZone: "America/New_York",
      });
      assert.equal(early.status, 201, early.text);
      assert.equal(early.body.occurredAt, "2026-03-02T06:15:00.000Z");
      assert.equal(early.body.occurredZone, "America/New_York");
      assert.equal(early.body.visibility, "internal", "internal unless said otherwise");

      const list = await get(`/api/v1/incidents/${reference}/events`, callers.viewer);
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.data.map((e: { id: string }) => e.id),
        [early.body.id, late.body.id],
      );
      assert.deepEqual(list.body.page, { limit: 50, offset: 0, total: 2, nextOffset: null });
      const paged = await get(`/api/v1/incidents/${reference}/events?limit=1&offset=1`, callers.viewer);
      assert.deepEqual(
        paged.body.data.map((e: { id: string }) => e.id),
        [late.body.id],
      );

      const bad = await post(`/api/v1/incidents/${reference}/events`, callers.manager, {
        kind: "rumour",
        description: "",
        occurredAt: "yesterday",
        visibility: "secret",
      });
      assert.equal(bad.status, 400);
      assert.deepEqual(Object.keys(bad.body.error.fields).sort(), ["description", "kind", "occurredAt", "visibility"]);
      assert.equal(bad.body.error.fields.description, "Describe what happened.");
      const badZone = await post(`/api/v1/incidents/${reference}/events`, callers.manager, {
        kind: "note",
        description: "x",
        occurredAt: "2026-03-02 09:30",
        occurredZone: "Nowhere/Land",
      });
      assert.equal(badZone.status, 400);
      assert.deepEqual(Object.keys(badZone.body.error.fields), ["occurredZone"]);
      const toUnknown = await post("/api/v1/incidents/BD-1999-0001/events", callers.manager, {
        kind: "note",
        description: "x",
        occurredAt: "2026-03-02 09:30",
      });
      assert.equal(toUnknown.status, 404);
      assert.equal(await t.db.prisma.timelineEvent.count({ where: { incident: { reference } } }), 2);
    });

    it("shows the audit trail of an incident: its creation and its events, with the token's name", async () => {
      const { reference, id } = await newIncident({ title: "Audited" });
      const event = await post(`/api/v1/incidents/${reference}/events`, callers.admin, {
        kind: "note",
        description: "Called the insurer.",
        occurredAt: "2026-03-02T08:00Z",
      });
      assert.equal(event.status, 201, event.text);
      const other = await newIncident({ title: "Someone else's" });

      const res = await get(`/api/v1/incidents/${reference}/audit`, callers.viewer);
      assert.equal(res.status, 200);
      const entries = res.body.data as {
        action: string;
        entityType: string;
        entityId: string;
        actor: { label: string };
        at: string;
      }[];
      assert.deepEqual(
        entries.map((e) => [e.action, e.entityType, e.entityId, e.actor.label]),
        [
          ["incident.create", "incident", id, `${callers.manager.user.email} (api: manager tool)`],
          ["timeline.event_add", "timeline_event", event.body.id, `${callers.admin.user.email} (api: admin tool)`],
        ],
      );
      assert.equal(entries[0]!.at, t.clock.now().toISOString());
      assert.equal((res.body.data[1].after as { description: string }).description, "Called the insurer.");
      assert.equal(res.body.data[0].ip, undefined, "client addresses stay on the administrators' page");
      assert.ok(!JSON.stringify(res.body).includes(other.id));
      assert.deepEqual(res.body.page, { limit: 50, offset: 0, total: 2, nextOffset: null });
    });
  });
});
