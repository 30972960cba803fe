import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  dkimFinding,
  dmarcFinding,
  isAligned,
  isReservedDomain,
  parseTags,
  spfFinding,
  spfReferences,
  txtAnswerOf,
} from "./sender-domain.policy.js";

const records = (...values: string[]) => ({ kind: "records" as const, records: values });

describe("sender domain findings", () => {
  it("reads a lookup's error as no record or no answer", () => {
    assert.deepEqual(txtAnswerOf({ error: Object.assign(new Error("x"), { code: "ENOTFOUND" }) }), { kind: "none" });
    assert.deepEqual(txtAnswerOf({ error: Object.assign(new Error("x"), { code: "ETIMEOUT" }) }), {
      kind: "no_answer",
      reason: "DNS did not answer in time",
    });
    assert.deepEqual(txtAnswerOf({ records: [["v=spf1 ", "-all"]] }), records("v=spf1 -all"));
  });

  it("finds an SPF record's includes and redirect, with any qualifier", () => {
    assert.deepEqual(spfReferences("v=spf1 include:_spf.google.com ~include:Mailgun.org. redirect=spf.example.net"), {
      includes: ["_spf.google.com", "mailgun.org"],
      redirect: "spf.example.net",
    });
  });

  it("warns of no SPF record, of two, and of a record without the relay", () => {
    assert.equal(spfFinding("a.org", { kind: "none" }, null, null).status, "warning");
    assert.match(spfFinding("a.org", records("v=spf1 -all", "v=spf1 a -all"), null, null).summary, /2 SPF records/);
    const missing = spfFinding("a.org", records("v=spf1 -all"), "include:mailgun.org", { kind: "not_included" });
    assert.equal(missing.status, "warning");
    assert.match(missing.detail, /add include:mailgun\.org/);
    assert.equal(spfFinding("a.org", records("v=spf1 mx -all"), null, null).status, "ok");
    assert.equal(spfFinding("a.org", { kind: "no_answer", reason: "DNS did not answer in time" }, null, null).status, "unknown");
  });

  it("checks the DKIM key against the signing key and the signature's domain against the sender's", () => {
    const dkim = { domain: "a.org", selector: "s1", publicKeys: ["KEY"] };
    assert.equal(dkimFinding("a.org", null, null).status, "info");
    assert.equal(dkimFinding("a.org", dkim, { kind: "none" }).status, "warning");
    assert.match(dkimFinding("a.org", dkim, records("v=DKIM1; p=")).summary, /revoked/);
    assert.match(dkimFinding("a.org", dkim, records("v=DKIM1; p=OTHER")).summary, /not the one Breachdesk signs with/);
    assert.equal(dkimFinding("news.a.org", dkim, records("v=DKIM1; k=rsa; p=K E Y")).status, "ok");
    assert.match(dkimFinding("b.org", dkim, records("v=DKIM1; p=KEY")).summary, /signed as a\.org, but sent from b\.org/);
    assert.deepEqual(parseTags("v=DKIM1; K=rsa;p=abc"), { v: "DKIM1", k: "rsa", p: "abc" });
    assert.equal(isAligned("mail.a.org", "a.org"), true);
    assert.equal(isAligned("a.org", "aa.org"), false);
  });

  it("reads the DMARC policy: reject and quarantine ready, none a note, missing or invalid a warning", () => {
    assert.equal(dmarcFinding("a.org", { p: "reject", rr: "v=DMARC1; p=reject", isOrgRecord: false }).status, "ok");
    assert.equal(dmarcFinding("a.org", { p: "none", rr: "v=DMARC1; p=none", isOrgRecord: false }).status, "info");
    assert.equal(dmarcFinding("a.org", false).status, "warning");
    assert.equal(dmarcFinding("a.org", { p: "bogus", rr: "v=DMARC1; p=bogus", isOrgRecord: false }).status, "warning");
    // The organisational domain's record: its subdomain policy applies.
    assert.match(
      dmarcFinding("news.a.org", { p: "reject", sp: "none", rr: "v=DMARC1; p=reject; sp=none", isOrgRecord: true }).summary,
      /none \(monitoring only\)/,
    );
  });

  it("knows the reserved domains", () => {
    for (const domain of ["example.org", "mail.example.com", "breachdesk.test", "localhost", "x.invalid", "a.example"])
      assert.equal(isReservedDomain(domain), true, domain);
    for (const domain of ["linux.org.au", "apache.org", "example.org.au"]) assert.equal(isReservedDomain(domain), false, domain);
  });
});
