import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sha256 } from "../../src/lib/ids.js";
import { agentFor, createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";

const TOKEN = /bd_[A-Za-z0-9_-]{43}/g;

type Client = Awaited<ReturnType<typeof signedIn>>;

async function createToken(client: Client, name: string) {
  const page = await client.agent.get("/account/tokens");
  return client.agent
    .post("/account/tokens")
    .type("form")
    .send({ _csrf: csrfFrom(page.text), name });
}

async function revoke(client: Client, tokenId: string, form: Record<string, string>) {
  const page = await client.agent.get("/account/tokens");
  return client.agent
    .post(`/account/tokens/${tokenId}/revoke`)
    .type("form")
    .send({ _csrf: csrfFrom(page.text), ...form });
}

describe("API token pages", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it("creates a token for any signed-in user, shows it exactly once, and stores only its hash", async () => {
    const viewer = await signedIn(t, "viewer");
    const res = await createToken(viewer, "SIEM bridge");
    assert.equal(res.status, 201);
    assert.equal(res.headers["cache-control"], "no-store");
    const shown = [...new Set(res.text.match(TOKEN) ?? [])];
    assert.equal(shown.length, 1, "the new token is on the page");
    const token = shown[0]!;
    assert.match(res.text, /shown only this once/);

    const row = await t.db.prisma.apiToken.findFirstOrThrow({ where: { userId: viewer.user.id } });
    assert.equal(row.name, "SIEM bridge");
    assert.equal(row.tokenHash, sha256(token));
    assert.equal(row.prefix, token.slice(0, 10));
    assert.equal(row.revokedAt, null);
    assert.equal(row.lastUsedAt, null);

    const again = await viewer.agent.get("/account/tokens");
    assert.equal(again.status, 200);
    assert.doesNotMatch(again.text, TOKEN, "never shown again");
    assert.match(again.text, new RegExp(`${row.prefix}…`));
    assert.match(again.text, /SIEM bridge/);

    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "api_token.create", entityId: row.id } });
    assert.equal(audit.actorId, viewer.user.id);
    assert.equal(audit.actorLabel, viewer.user.email);
    for (const secret of [token, row.tokenHash]) {
      assert.ok(!JSON.stringify(audit).includes(secret), "no secret in the audit log");
    }
    assert.deepEqual(JSON.parse(audit.after ?? "{}"), {
      name: "SIEM bridge",
      prefix: row.prefix,
      userId: viewer.user.id,
      userEmail: viewer.user.email,
      revokedAt: null,
      expiresAt: null,
      scope: "full",
    });
  });

  it("refuses a token without a name, with the message beside the field", async () => {
    const manager = await signedIn(t, "manager");
    const res = await createToken(manager, "  ");
    assert.equal(res.status, 400);
    assert.match(res.text, /Enter a name for the token/);
    assert.doesNotMatch(res.text, TOKEN);
    assert.equal(await t.db.prisma.apiToken.count({ where: { userId: manager.user.id } }), 0);
  });

  it("revokes a token only when the box is ticked, once, and audits it", async () => {
    const manager = await signedIn(t, "manager");
    await createToken(manager, "Ticket sync");
    const row = await t.db.prisma.apiToken.findFirstOrThrow({ where: { userId: manager.user.id } });

    const unconfirmed = await revoke(manager, row.id, {});
    assert.equal(unconfirmed.status, 303);
    assert.match((await manager.agent.get("/account/tokens")).text, /Tick the box to confirm/);
    assert.equal((await t.db.prisma.apiToken.findUniqueOrThrow({ where: { id: row.id } })).revokedAt, null);

    const confirmed = await revoke(manager, row.id, { confirm: "yes" });
    assert.equal(confirmed.status, 303);
    assert.equal(confirmed.headers.location, "/account/tokens");
    const page = await manager.agent.get("/account/tokens");
    assert.match(page.text, /The token &#34;Ticket sync&#34; is revoked/);
    assert.match(page.text, />revoked</);
    assert.deepEqual((await t.db.prisma.apiToken.findUniqueOrThrow({ where: { id: row.id } })).revokedAt, t.clock.now());
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "api_token.revoke", entityId: row.id } });
    assert.equal(audit.actorLabel, manager.user.email);
    assert.ok(!JSON.stringify(audit).includes(row.tokenHash));

    await revoke(manager, row.id, { confirm: "yes" });
    assert.match((await manager.agent.get("/account/tokens")).text, /revoked already/);
    assert.equal(await t.db.prisma.auditEntry.count({ where: { action: "api_token.revoke", entityId: row.id } }), 1);
  });

  it("does not let a user see or revoke another user's token", async () => {
    const owner = await signedIn(t, "admin");
    await createToken(owner, "Admin's tool");
    const row = await t.db.prisma.apiToken.findFirstOrThrow({ where: { userId: owner.user.id } });
    const other = await signedIn(t, "viewer");
    const page = await other.agent.get("/account/tokens");
    assert.doesNotMatch(page.text, /Admin&#39;s tool/);
    assert.doesNotMatch(page.text, new RegExp(row.prefix));
    await revoke(other, row.id, { confirm: "yes" });
    assert.match((await other.agent.get("/account/tokens")).text, /There is no such API token/);
    assert.equal((await t.db.prisma.apiToken.findUniqueOrThrow({ where: { id: row.id } })).revokedAt, null);
  });

  it("sends a visitor who is not signed in to sign in, and refuses a form without the CSRF token", async () => {
    const anonymous = agentFor(t);
    const page = await anonymous.agent.get("/account/tokens");
    assert.equal(page.status, 303);
    assert.match(String(page.headers.location), /^\/login\?next=%2Faccount%2Ftokens/);
    const post = await anonymous.post("/account/tokens", { name: "x" });
    assert.equal(post.status, 401);

    const viewer = await signedIn(t, "viewer");
    const forged = await viewer.agent.post("/account/tokens").type("form").send({ name: "Forged" });
    assert.equal(forged.status, 403);
    assert.equal(await t.db.prisma.apiToken.count({ where: { userId: viewer.user.id } }), 0);
  });
});
