import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertGolden } from "../../../test/helpers/golden.js";
import { renderDigestEmail, renderReminderEmail } from "./reminder-mail.policy.js";

/**
 * The reminder and digest e-mails as a manager reads them, compared with reviewed copies in
 * test/fixtures/emails (UPDATE_GOLDEN=1 rewrites them). The incident title carries markup and
 * quotes: escaped in the HTML part, kept as typed in the text part.
 */
const linuxAustralia = {
  recipientName: "Jo Manager",
  incidentReference: "BD-2016-0001",
  incidentTitle: `Linux Australia <conference> "attendee" database`,
  ruleId: "AU-NDB-assess",
  obligation: "Assess a suspected eligible data breach",
  regime: "AU-NDB",
  party: "The entity itself (internal assessment)",
  dueAt: new Date("2016-04-23T13:59:59.999Z"),
  recipientZone: "Europe/London",
  ruleZone: "Australia/Sydney",
  citation: "Privacy Act 1988 (Cth) s 26WH(2)",
  link: "http://127.0.0.1:3000/incidents/BD-2016-0001#deadlines",
};

function asFile(mail: { subject: string; text: string }): string {
  return `Subject: ${mail.subject}\n\n${mail.text}`;
}

describe("reminder and digest e-mails (golden copies)", () => {
  it("a reminder at three quarters of the OAIC assessment window", async () => {
    const mail = await renderReminderEmail({ ...linuxAustralia, now: new Date("2016-04-16T04:00:00Z") });
    assertGolden("emails/reminder.txt", asFile(mail));
    assertGolden("emails/reminder.html", mail.html);
  });

  it("an overdue reminder, in the rule's own zone only", async () => {
    const mail = await renderReminderEmail({
      ...linuxAustralia,
      recipientZone: "Australia/Sydney",
      now: new Date("2016-04-25T00:00:00Z"),
    });
    assertGolden("emails/reminder-overdue.txt", asFile(mail));
    assertGolden("emails/reminder-overdue.html", mail.html);
  });

  it("a daily digest with one overdue and one pending deadline, and one waiting for its clock", async () => {
    const mail = await renderDigestEmail({
      recipientName: "Jo Manager",
      recipientZone: "Australia/Sydney",
      localDate: "2016-04-25",
      now: new Date("2016-04-24T22:00:00Z"),
      link: "http://127.0.0.1:3000/deadlines",
      lines: [
        {
          incidentReference: "BD-2016-0001",
          incidentTitle: linuxAustralia.incidentTitle,
          ruleId: "AU-NDB-assess",
          obligation: linuxAustralia.obligation,
          party: linuxAustralia.party,
          dueAt: linuxAustralia.dueAt,
          ruleZone: "Australia/Sydney",
          link: linuxAustralia.link,
        },
        {
          incidentReference: "BD-2016-0002",
          incidentTitle: "Apache infrastructure compromise",
          ruleId: "EU-GDPR-33",
          obligation: "Notify the supervisory authority",
          party: "Lead supervisory authority",
          dueAt: new Date("2016-04-26T08:30:00Z"),
          ruleZone: "Europe/Berlin",
          link: "http://127.0.0.1:3000/incidents/BD-2016-0002#deadlines",
        },
      ],
      waiting: [
        {
          incidentReference: "BD-2016-0001",
          ruleId: "AU-NDB-oaic",
          obligation: "Prepare statement and give copy to the Commissioner (OAIC)",
          party: "Australian Information Commissioner (OAIC)",
          waitingFor: "the decision that the breach is notifiable (aware_eligible_breach)",
          link: "http://127.0.0.1:3000/incidents/BD-2016-0001/deadlines",
        },
      ],
    });
    assert.equal(mail.subject, "Breachdesk deadlines for 2016-04-25: 2 pending, 1 overdue, 1 waiting for their clock");
    assertGolden("emails/digest.txt", asFile(mail));
    assertGolden("emails/digest.html", mail.html);
  });
});
