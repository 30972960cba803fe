import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { importPeopleFile } from "../../src/modules/people/import.service.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addNoticeTemplate } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

/**
 * A mistyped attribute placeholder (issue 13's slip): {{attribute:Confrence}} is saved with a
 * warning naming the columns the incident's people have, and the preview says the person's
 * notice would be broken instead of showing "You registered for ." without a word.
 */
describe(`attribute placeholders the people do not have (${testLane})`, () => {
  let t: TestApp;
  let manager: Client;
  let reference: string;
  let base: string;
  const dir = mkdtempSync(join(tmpdir(), "breachdesk-placeholders-"));

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    const incident = await addIncident(t);
    reference = incident.reference;
    const { templateId } = await addNoticeTemplate(t.db, incident.id);
    base = `/incidents/${reference}/notices/${templateId}`;
    const path = join(dir, "attendees.csv");
    writeFileSync(path, "Email,Name,Conference\nada@example.org,Ada King,PyCon AU 2014\n");
    await importPeopleFile({ db: t.db, clock: t.clock }, { incidentId: incident.id, filePath: path });
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const save = async (whatHappened: string) => {
    const page = await manager.agent.get(`${base}/edit`);
    return manager.agent
      .post(`${base}/versions`)
      .type("form")
      .send({
        _csrf: csrfFrom(page.text),
        language: "en",
        subject: "A data breach that affects you",
        section_whoWeAre: "We are Linux Australia.",
        section_whatHappened: whatHappened,
        section_when: "March 2016.",
        section_whatInformation: "Your name and e-mail address.",
        section_whatWeHaveDone: "We rebuilt the server.",
        section_whatYouShouldDo: "Change your password.",
        section_learnMore: "https://example.org/breach",
        organisation: "Linux Australia",
        contactEmail: "privacy@example.org",
        contactPhone: "",
      });
  };

  it("saves a mistyped column with a warning naming the columns the people have", async () => {
    const saved = await save("You registered for {{attribute:Confrence}}.");
    assert.equal(saved.status, 303, saved.text.slice(0, 300));
    const editor = await manager.agent.get(saved.headers.location as string);
    assert.match(editor.text, /Saved en version \d+/);
    assert.match(
      editor.text,
      /Check this: \{\{attribute:Confrence\}\} names a column none of the incident&#39;s people have, so it would be empty in every notice\. Did you mean \{\{attribute:Conference\}\}\? The incident&#39;s people have these columns: Conference\./,
    );
  });

  it("tells the manager in the preview that the person's notice would be broken, naming the placeholder", async () => {
    const preview = await manager.agent.get(`${base}/preview`);
    assert.equal(preview.status, 200);
    assert.match(preview.text, /This person's notice would be broken/);
    assert.match(preview.text, /no &#34;Confrence&#34; value for \{\{attribute:Confrence\}\}/);
  });

  it("saves the column as the people have it without a warning, and fills it in", async () => {
    const saved = await save("You registered for {{attribute:conference}}.");
    const editor = await manager.agent.get(saved.headers.location as string);
    assert.doesNotMatch(editor.text, /Check this:/);
    const preview = await manager.agent.get(`${base}/preview`);
    assert.doesNotMatch(preview.text, /would be broken/);
    assert.match(preview.text, /You registered for PyCon AU 2014\./);
  });
});
