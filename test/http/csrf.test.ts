import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { routeTable } from "../../src/web/access.js";
import { addUser, agentFor, createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";

describe("CSRF protection", () => {
  let t: TestApp;
  let targetId: string;
  let incidentRef: string;
  before(async () => {
    t = await createTestApp();
    targetId = (await addUser(t, "viewer")).id;
    // A real incident: the need-to-know gate answers 404 for a missing one before the CSRF check runs.
    incidentRef = (await addIncident(t)).reference;
  });
  after(() => t.close());

  const postRoutes = () => routeTable.filter((r) => r.method === "post");

  it("refuses every state-changing route without the token, even for an admin", async () => {
    const admin = await signedIn(t, "admin");
    assert.ok(postRoutes().length >= 10);
    // /setup is gone (404) once a user exists; its CSRF check is tested in setup-and-login.
    // A sessionless route (a public look-up that changes nothing, served before sessions) has no token to check.
    const sessionless = postRoutes().filter((r) => r.sessionless);
    assert.deepEqual(
      sessionless.map((r) => r.path),
      ["/verify"],
    );
    for (const route of postRoutes().filter((r) => r.path !== "/setup" && !r.sessionless)) {
      const path = route.path.replace(":id", targetId).replace(":token", "x").replace(":ref", incidentRef);
      const res = await admin.agent.post(path).type("form").send({ role: "admin", confirm: "yes" });
      assert.equal(res.status, 403, `${route.path} without a token`);
      assert.match(res.text, /expired or came from another site/);
    }
    const target = await t.db.prisma.user.findUniqueOrThrow({ where: { id: targetId } });
    assert.equal(target.role, "viewer");
    assert.equal(target.status, "active");
  });

  it("refuses a token that belongs to another session", async () => {
    const admin = await signedIn(t, "admin");
    const otherToken = csrfFrom((await agentFor(t).agent.get("/login")).text);
    const res = await admin.agent.post(`/admin/users/${targetId}/role`).type("form").send({ _csrf: otherToken, role: "admin" });
    assert.equal(res.status, 403);
    assert.equal((await t.db.prisma.user.findUniqueOrThrow({ where: { id: targetId } })).role, "viewer");
  });

  it("accepts the session's own token, in the form or in the X-CSRF-Token header", async () => {
    const admin = await signedIn(t, "admin");
    const token = csrfFrom((await admin.agent.get("/")).text);
    const inForm = await admin.agent.post(`/admin/users/${targetId}/role`).type("form").send({ _csrf: token, role: "manager" });
    assert.equal(inForm.status, 303);
    const inHeader = await admin.agent
      .post(`/admin/users/${targetId}/role`)
      .set("X-CSRF-Token", token)
      .type("form")
      .send({ role: "viewer" });
    assert.equal(inHeader.status, 303);
    assert.equal((await t.db.prisma.user.findUniqueOrThrow({ where: { id: targetId } })).role, "viewer");
  });
});
