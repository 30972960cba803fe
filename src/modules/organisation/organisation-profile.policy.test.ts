import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  describeSender,
  effectiveOrganisation,
  noticeSenderOf,
  organisationPlaceholderValues,
  pinOrganisation,
  readPinnedOrganisation,
} from "./organisation-profile.policy.js";

const profile = {
  name: "Linux Australia Inc.",
  address: "PO Box 7143,\n Wagga Wagga NSW 2650\n",
  contactEmail: "privacy@linux.org.au",
  contactPhone: "",
  privacyOfficer: "Jane Citizen",
  privacyOfficerEmail: "",
  website: "https://linux.org.au",
  senderName: "",
  senderAddress: "notices@linux.org.au",
  replyTo: "NOTICES@linux.org.au",
  updatedById: "someone",
};

describe("the organisation an incident's notices use", () => {
  it("takes each non-empty value of the incident's over the profile's, and says which", () => {
    const organisation = effectiveOrganisation(profile, {
      senderName: "LCA 2016",
      senderAddress: " ",
      contactPhone: "+61 2 5550 0199",
    });
    assert.equal(organisation.senderName, "LCA 2016");
    assert.equal(organisation.senderAddress, "notices@linux.org.au", "an empty own value is the organisation's");
    assert.equal(organisation.contactPhone, "+61 2 5550 0199");
    assert.deepEqual(organisation.fromIncident, ["senderName", "contactPhone"]);
  });

  it("has no sender without a sender address, and names the organisation when the sender has no name", () => {
    assert.equal(noticeSenderOf(effectiveOrganisation(null, null)), null);
    const sender = noticeSenderOf(effectiveOrganisation(profile, null));
    assert.deepEqual(sender, { from: { name: "Linux Australia Inc.", address: "notices@linux.org.au" }, replyTo: null });
    assert.equal(describeSender(sender!), "Linux Australia Inc. <notices@linux.org.au>");
  });

  it("fills the placeholders on one line each, and leaves the unset ones empty", () => {
    const values = organisationPlaceholderValues(effectiveOrganisation(profile, null));
    assert.equal(values["organisation.address"], "PO Box 7143, Wagga Wagga NSW 2650");
    assert.equal(values["organisation.contact"], "privacy@linux.org.au");
    assert.equal(values["organisation.privacy_officer"], "Jane Citizen");
    assert.equal(values["organisation.contact_phone"], "");
  });

  it("reads back what a campaign pinned, and nothing from a campaign that pinned none or garbage", () => {
    const organisation = effectiveOrganisation(profile, { senderName: "LCA 2016" });
    assert.deepEqual(readPinnedOrganisation(pinOrganisation(organisation)), organisation);
    assert.equal(readPinnedOrganisation(null), null);
    assert.equal(readPinnedOrganisation("{not json"), null);
  });
});
