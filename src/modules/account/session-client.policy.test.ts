import assert from "node:assert/strict";
import { test } from "node:test";
import { clientKeyOf, describeClient, networkOf } from "./session-client.policy.js";

const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const iphone =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

test("a client is described by its browser and system, without minor versions", () => {
  assert.equal(describeClient(firefox), "Firefox 133 on Linux");
  assert.equal(describeClient(iphone), "Mobile Safari 17 on iOS 17");
  assert.equal(describeClient(""), "Unknown client");
  assert.equal(describeClient("curl/8.5.0"), "curl/8.5.0");
});

test("the network is the /24 of an IPv4 address and the /48 of an IPv6 one", () => {
  assert.equal(networkOf("192.0.2.77"), "192.0.2.0/24");
  assert.equal(networkOf("::ffff:192.0.2.77"), "192.0.2.0/24");
  assert.equal(networkOf("2001:db8:aa:1::5"), "2001:db8:aa::/48");
  assert.equal(networkOf(null), "unknown network");
});

test("a browser update keeps the client key; another network or browser changes it", () => {
  const newer = firefox.replaceAll("133.0", "134.0");
  assert.equal(clientKeyOf(firefox, "192.0.2.1"), clientKeyOf(newer, "192.0.2.200"));
  assert.notEqual(clientKeyOf(firefox, "192.0.2.1"), clientKeyOf(firefox, "198.51.100.1"));
  assert.notEqual(clientKeyOf(firefox, "192.0.2.1"), clientKeyOf(iphone, "192.0.2.1"));
});
