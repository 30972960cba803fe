import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { postalAddressLines, regionLabel } from "./postal-address.policy.js";

describe("postal address lines", () => {
  it("puts the street lines, then town, state and postcode, then the country's name", () => {
    const lines = postalAddressLines({
      postalAddress: "Unit 4\r\n12 High St ",
      city: "Fitzroy",
      region: "AU-VIC",
      postcode: "3065",
      country: "AU",
    });
    assert.deepEqual(lines, ["Unit 4", "12 High St", "Fitzroy VIC 3065", "Australia"]);
  });

  it("keeps a free-text region, leaves out what is missing, and gives no lines without a street", () => {
    assert.deepEqual(
      postalAddressLines({ postalAddress: "5 Kernel St", city: null, region: "Uusimaa", postcode: "00100", country: "FI" }),
      ["5 Kernel St", "Uusimaa 00100", "Finland"],
    );
    assert.deepEqual(postalAddressLines({ postalAddress: "1 St", city: null, region: null, postcode: null, country: null }), [
      "1 St",
    ]);
    assert.deepEqual(postalAddressLines({ postalAddress: " ", city: "Perth", region: null, postcode: null, country: "AU" }), []);
    assert.equal(regionLabel("US-CA", "AU"), "US-CA", "another country's code stays whole");
  });
});
