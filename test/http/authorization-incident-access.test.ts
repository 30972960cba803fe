import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { apiEndpoints } from "../../src/api/api-endpoints.js";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { createIncident } from "../../src/modules/incidents/incidents.service.js";
import type { User } from "../../src/modules/users/index.js";
import type { Role } from "../../src/modules/users/users.schemas.js";
import { isIncidentPath, type RouteSpec, routeTable } from "../../src/web/access.js";
import { addUser, agentFor, createTestApp, csrfFrom, signedIn, TEST_PASSWORD, type TestApp } from "../helpers/app.js";
import { testLane } from "../helpers/db.js";
import { incidentInput } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;
const rank: Record<Role, number> = { viewer: 1, manager: 2, admin: 3 };

/**
 * Need-to-know over the route table (decision 0030): every incident route, pages and API, is
 * visited on a restricted incident as strangers (404, the answer an incident that does not
 * exist gets), as members (let in with the lower of their global and incident roles) and as
 * an administrator who is not a member (let in).
 */
describe(`authorization: every incident route as a member and a stranger of a restricted incident (${testLane})`, () => {
  let t: TestApp;
  let ref: string;
  let lead: User;
  const pages = {} as Record<"memberViewer" | "loweredManager" | "strangerViewer" | "strangerManager" | "admin", Client>;
  const tokens = {} as Record<keyof typeof pages, string>;
  let incidentRoutes: RouteSpec[];

  async function signIn(user: User): Promise<Client> {
    const client = agentFor(t);
    const res = await client.post("/login", { email: user.email, password: TEST_PASSWORD });
    assert.equal(res.status, 303);
    return { ...client, user };
  }

  before(async () => {
    t = await createTestApp({ INCIDENTS_DEFAULT_ACCESS: "restricted" });
    lead = await addUser(t, "manager");
    const incident = await createIncident(t.deps, incidentInput({ title: "Payroll export left on a share" }), {
      userId: lead.id,
      label: lead.email,
      ip: null,
    });
    assert.equal(incident.access, "restricted");
    ref = incident.reference;
    const leadClient = await signIn(lead);
    for (const [key, role] of [
      ["memberViewer", "viewer"],
      ["loweredManager", "manager"],
      ["strangerViewer", "viewer"],
      ["strangerManager", "manager"],
      ["admin", "admin"],
    ] as const) {
      pages[key] = await signedIn(t, role);
      tokens[key] = (
        await createApiToken(t.deps, pages[key].user.id, { name: key }, { userId: null, label: "test", ip: null })
      ).token;
    }
    // The lead puts two people on the team through the page, both as viewers.
    for (const key of ["memberViewer", "loweredManager"] as const) {
      const added = await leadClient.post(
        `/incidents/${ref}/members`,
        { email: pages[key].user.email, role: "viewer" },
        `/incidents/${ref}/evidence`,
      );
      assert.equal(added.status, 303, added.text.slice(0, 300));
    }
    incidentRoutes = routeTable.filter((r) => isIncidentPath(r.path));
  });
  after(() => t.close());

  const gateSays = () => `There is no incident ${ref}.`;

  function concrete(path: string): string {
    return path.replace(":ref", ref).replace(":userId", lead.id).replace(/:\w+/g, "no-such-record");
  }

  it("has incident routes in the page table and the API table", () => {
    assert.ok(incidentRoutes.length > 80, `${incidentRoutes.length} incident page routes`);
    assert.ok(apiEndpoints(t.deps).filter((e) => isIncidentPath(e.path)).length > 40);
  });

  it("answers 404 to a stranger on every incident page, form and export, as for an incident that does not exist", async () => {
    const problems: string[] = [];
    for (const key of ["strangerViewer", "strangerManager"] as const) {
      const client = pages[key];
      const token = csrfFrom((await client.agent.get("/")).text);
      for (const route of incidentRoutes) {
        const path = concrete(route.path);
        const res =
          route.method === "get"
            ? await client.agent.get(path)
            : await client.agent.post(path).type("form").send({ _csrf: token });
        if (res.status !== 404 || !res.text.includes(gateSays()))
          problems.push(`${route.method} ${route.path} as ${key}: ${res.status}`);
        // The same page as for an incident that does not exist, but for the reference.
        const none = path.replace(ref, "BD-1999-0001");
        const missing =
          route.method === "get"
            ? await client.agent.get(none)
            : await client.agent.post(none).type("form").send({ _csrf: token });
        if (missing.status !== 404 || missing.text.replaceAll("BD-1999-0001", ref) !== res.text)
          problems.push(`${route.method} ${route.path}: not the same answer as for an incident that does not exist`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it("lets members in with the lower of their roles: a viewer member reads; a manager who is a viewer here cannot post", async () => {
    const problems: string[] = [];
    for (const key of ["memberViewer", "loweredManager"] as const) {
      const client = pages[key];
      const token = csrfFrom((await client.agent.get(`/incidents/${ref}`)).text);
      for (const route of incidentRoutes) {
        const path = concrete(route.path);
        const res =
          route.method === "get"
            ? await client.agent.get(path)
            : await client.agent.post(path).type("form").send({ _csrf: token });
        const label = `${route.method} ${route.path} as ${key}: ${res.status}`;
        if (res.status >= 500) problems.push(`${label} (server error)`);
        else if (res.text.includes(gateSays())) problems.push(`${label}, refused by the gate`);
        else if (rank.viewer >= rank[route.access as Role]) {
          if (res.status === 401 || res.status === 403) problems.push(`${label}, expected to be let in`);
        } else if (res.status !== 403) problems.push(`${label}, expected 403 (a viewer on this incident)`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it("lets an administrator who is not a member read every incident page", async () => {
    const problems: string[] = [];
    for (const route of incidentRoutes.filter((r) => r.method === "get")) {
      const res = await pages.admin.agent.get(concrete(route.path));
      if (res.status >= 500 || res.status === 403 || res.text.includes(gateSays())) problems.push(`${route.path}: ${res.status}`);
    }
    assert.deepEqual(problems, []);
  });

  it("answers 404 to a stranger's token on every incident API route; a member's token reads, with the lower role", async () => {
    const http = supertest(t.app);
    const problems: string[] = [];
    const endpoints = apiEndpoints(t.deps).filter((e) => isIncidentPath(e.path) && !e.isPublic);
    for (const endpoint of endpoints) {
      const path = `/api/v1${concrete(endpoint.path)}`;
      for (const key of ["strangerViewer", "strangerManager", "memberViewer", "loweredManager", "admin"] as const) {
        if (key === "admin" && endpoint.method !== "get") continue;
        const req =
          endpoint.method === "get" ? http.get(path) : endpoint.method === "post" ? http.post(path).send({}) : http.delete(path);
        const res = await req.set("Authorization", `Bearer ${tokens[key]}`).set("Accept", "application/json");
        const label = `${endpoint.method} ${endpoint.path} as ${key}: ${res.status}`;
        const byGate = res.status === 404 && res.text.includes(gateSays());
        if (res.status >= 500) problems.push(`${label} (server error)`);
        else if (key.startsWith("stranger")) {
          if (!byGate) problems.push(`${label}, expected 404 from the gate`);
        } else if (byGate) problems.push(`${label}, refused by the gate`);
        else if (key !== "admin" && endpoint.role !== "viewer" && res.status !== 403) problems.push(`${label}, expected 403`);
        else if (endpoint.role === "viewer" && res.status === 403) problems.push(`${label}, expected to be let in`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
