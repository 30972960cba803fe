import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Incident } from "../../src/generated/sqlite/client.js";
import { saveApplicability } from "../../src/modules/organisation/index.js";
import { createTestApp, signedIn, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

/** Issue 13, item 7: the slips of the deadlines and the status, each as a page shows it. */
describe("deadlines and status slips", () => {
  let t: TestApp;
  let manager: Client;
  let incident: Incident;
  let ref: string;

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    incident = await addIncident(t, { title: "Linux Australia", detectedAt: "2026-02-28 09:00", awareAt: "2026-02-28 11:00" });
    ref = incident.reference;
    // An organisation the NDB scheme binds (an APP entity established in New South Wales), so its rules apply and are ticked.
    await saveApplicability(
      t.deps,
      { establishedIn: ["AU-NSW"], entityTypes: ["app-entity"], annualTurnover: null, offersToEU: false, offersToUK: false },
      { userId: null, label: "test", ip: null },
    );
    await manager.post(`/incidents/${ref}/location`, { location: "AU" }, `/incidents/${ref}/deadlines`);
  });
  after(() => t.close());

  it("does not tick AU-POLA-2024, a declaration that starts no clock, and says it is information", async () => {
    const page = await manager.agent.get(`/incidents/${ref}/deadlines`);
    assert.match(page.text, /id="suggest-AU-NDB-assess" name="ruleIds" value="AU-NDB-assess" checked/);
    assert.match(page.text, /id="suggest-AU-POLA-2024" name="ruleIds" value="AU-POLA-2024">/);
    assert.match(page.text, /AU-POLA-2024<\/strong>: [^<]*<span class="tag-information">information, no deadline<\/span>/);
  });

  it("an applied declaration is shown as information, never pending or waiting", async () => {
    await manager.post(`/incidents/${ref}/obligations`, { ruleIds: "AU-POLA-2024" }, `/incidents/${ref}/deadlines`);
    const page = await manager.agent.get(`/incidents/${ref}/deadlines`);
    const card = page.text.slice(page.text.indexOf("<code>AU-POLA-2024</code>"));
    assert.match(card.slice(0, 600), /<span class="status">For information: no deadline<\/span>/);
    assert.doesNotMatch(card.slice(0, 1200), /Waiting for its clock to start/);
    const everywhere = await manager.agent.get("/deadlines");
    assert.doesNotMatch(everywhere.text, /AU-POLA-2024/);
  });

  it("offers Close: not notifiable only once a not-notifiable decision is recorded, and says why otherwise", async () => {
    const overview = await manager.agent.get(`/incidents/${ref}`);
    assert.doesNotMatch(overview.text, /Close: not notifiable<\/button>/);
    assert.match(overview.text, /<strong>Close: not notifiable<\/strong>: Record a decision that the breach is not notifiable/);
    const refused = await manager.post(
      `/incidents/${ref}/status`,
      { to: "closed_not_notifiable", reason: "" },
      `/incidents/${ref}`,
    );
    assert.equal(refused.status, 400);
    assert.match(refused.text, /Not possible yet/);
    assert.match(refused.text, /<strong>Close: not notifiable<\/strong>: Record a decision that the breach is not notifiable/);
    assert.doesNotMatch(refused.text, /<option value="closed_not_notifiable"/);
    await manager.post(
      `/incidents/${ref}/decisions`,
      { isNotifiable: "no", regimes: "AU-NDB", rationale: "Only public data.", decidedAt: "" },
      `/incidents/${ref}/assessment`,
    );
    const after = await manager.agent.get(`/incidents/${ref}`);
    assert.match(after.text, /Close: not notifiable<\/button>/);
  });
});
