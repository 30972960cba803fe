import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Role } from "../../src/modules/users/users.schemas.js";
import { type RouteSpec, routeTable } from "../../src/web/access.js";
import { addUser, agentFor, createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";

type Visitor = "anonymous" | Role;
const visitors: Visitor[] = ["anonymous", "viewer", "manager", "admin"];
const rank: Record<Visitor, number> = { anonymous: 0, viewer: 1, manager: 2, admin: 3 };

/**
 * Visits every route the app registered as every kind of visitor, with a valid CSRF token so
 * that the access guard (not the CSRF check) decides, and checks each answer.
 */
describe("authorization: every route for every role", () => {
  let t: TestApp;
  let targetUserId: string;
  let mailId: string;
  let incidentRef: string;
  before(async () => {
    t = await createTestApp();
    incidentRef = (await addIncident(t)).reference;
    targetUserId = (await addUser(t, "viewer")).id;
    const sent = await t.deps.mailer.send({ to: "someone@example.org", subject: "Hello", text: "Hi", html: "<p>Hi</p>" });
    mailId = (await t.db.prisma.caughtMail.findFirstOrThrow({ where: { messageId: sent.messageId } })).id;
  });
  after(() => t.close());

  function concretePath(route: RouteSpec): string {
    // Other parameters name records that do not exist: the guard still answers first.
    return route.path
      .replace(":id", route.path.startsWith("/mail") ? mailId : targetUserId)
      .replace(":ref", incidentRef)
      .replace(":token", "not-a-real-token")
      .replace(/:\w+/g, "no-such-record");
  }

  it("has routes to check, including every access level", () => {
    const levels = new Set(routeTable.map((r) => r.access));
    for (const level of ["public", "viewer", "manager", "admin"]) assert.ok(levels.has(level as never), level);
  });

  for (const visitor of visitors) {
    it(`answers each route as expected for ${visitor}`, async () => {
      // Signing out ends the session, so it is visited last.
      const routes = [...routeTable].sort((a, b) => Number(a.path === "/logout") - Number(b.path === "/logout"));
      const client = visitor === "anonymous" ? agentFor(t) : await signedIn(t, visitor);
      const token = csrfFrom((await client.agent.get(visitor === "anonymous" ? "/login" : "/")).text);
      const problems: string[] = [];
      for (const route of routes) {
        const path = concretePath(route);
        const res =
          route.method === "get"
            ? await client.agent.get(path)
            : await client.agent.post(path).type("form").send({ _csrf: token });
        const label = `${route.method.toUpperCase()} ${route.path} as ${visitor}: ${res.status}`;
        if (res.status >= 500) problems.push(`${label} (server error)`);
        else if (route.access === "public") {
          if (res.status === 401 || res.status === 403) problems.push(`${label}, expected to be let in`);
        } else if (visitor === "anonymous") {
          const isToLogin = res.status === 303 && String(res.headers.location).startsWith("/login");
          if (!(route.method === "get" ? isToLogin : res.status === 401))
            problems.push(`${label}, expected to be sent to sign in`);
        } else if (rank[visitor] >= rank[route.access]) {
          if (res.status === 401 || res.status === 403) problems.push(`${label}, expected to be let in`);
        } else if (res.status !== 403) {
          problems.push(`${label}, expected 403`);
        }
      }
      assert.deepEqual(problems, []);
    });
  }
});
