import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../config/config.js";
import {
  domainOf,
  isDomainAllowed,
  isPasswordSignInAllowed,
  isSecondFactorDoneByProvider,
  roleFromClaim,
  scopesOf,
} from "./oidc.policy.js";

const SSO = { OIDC_ISSUER_URL: "https://login.example.org", OIDC_CLIENT_ID: "breachdesk" };

describe("single sign-on policy", () => {
  const map = loadConfig({
    ...SSO,
    OIDC_ROLE_MAP: "breach-admins=administrator, breach-managers=manager,,team=a=viewer",
  }).OIDC_ROLE_MAP;

  it("reads OIDC_ROLE_MAP, splitting each entry at its last =, with administrator as admin", () => {
    assert.deepEqual(map, [
      { value: "breach-admins", role: "admin" },
      { value: "breach-managers", role: "manager" },
      { value: "team=a", role: "viewer" },
    ]);
  });

  it("gives the highest role any value maps to, else the role of *, else none", () => {
    assert.equal(roleFromClaim(["breach-managers", "breach-admins"], map), "admin");
    assert.equal(roleFromClaim("breach-managers", map), "manager");
    assert.equal(roleFromClaim(["Breach-Admins"], map), null, "values match exactly");
    assert.equal(roleFromClaim(undefined, map), null);
    assert.equal(roleFromClaim([42, { admin: true }], map), null);
    const withDefault = [...map, { value: "*", role: "viewer" as const }];
    assert.equal(roleFromClaim(["sales"], withDefault), "viewer");
    assert.equal(roleFromClaim(["breach-admins"], withDefault), "admin");
  });

  it("allows exact e-mail domains only, any when the list is empty", () => {
    assert.equal(domainOf("Ann@Example.ORG"), "example.org");
    assert.equal(isDomainAllowed("ann@example.org", ["example.org"]), true);
    assert.equal(isDomainAllowed("ann@mail.example.org", ["example.org"]), false);
    assert.equal(isDomainAllowed("ann@example.org.evil.test", ["example.org"]), false);
    assert.equal(isDomainAllowed("ann@anywhere.test", []), true);
  });

  it("counts the provider's sign-in as the second factor by OIDC_MFA", () => {
    assert.equal(isSecondFactorDoneByProvider("local", ["mfa"]), false);
    assert.equal(isSecondFactorDoneByProvider("amr", ["pwd", "otp"]), true);
    assert.equal(isSecondFactorDoneByProvider("amr", ["hwk"]), true);
    assert.equal(isSecondFactorDoneByProvider("amr", ["pwd"]), false);
    assert.equal(isSecondFactorDoneByProvider("amr", undefined), false);
    assert.equal(isSecondFactorDoneByProvider("idp", undefined), true);
  });

  it("lets passwords in with LOCAL_PASSWORDS=on, and only the break-glass addresses with off", () => {
    const off = { LOCAL_PASSWORDS: "off" as const, BREAK_GLASS_ADMINS: ["glass@example.org"] };
    assert.equal(isPasswordSignInAllowed({ LOCAL_PASSWORDS: "on", BREAK_GLASS_ADMINS: [] }, "ann@example.org"), true);
    assert.equal(isPasswordSignInAllowed(off, " Glass@Example.org"), true);
    assert.equal(isPasswordSignInAllowed(off, "ann@example.org"), false);
  });

  it("always asks openid first, once", () => {
    assert.equal(scopesOf("email openid profile groups"), "openid email profile groups");
  });
});

describe("single sign-on settings", () => {
  function problems(env: Record<string, string>): string[] {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.problems;
    }
  }

  it("needs a client id and a role mapping with the issuer, and https:// unless the provider is on this machine", () => {
    assert.deepEqual(problems({ ...SSO, OIDC_ROLE_MAP: "*=viewer" }), []);
    assert.deepEqual(problems({ OIDC_ISSUER_URL: "http://127.0.0.1:4000", OIDC_CLIENT_ID: "x", OIDC_ROLE_MAP: "*=viewer" }), []);
    const found = problems({ OIDC_ISSUER_URL: "http://login.example.org" });
    assert.equal(found.length, 3, found.join("\n"));
    assert.match(found[0]!, /^OIDC_ISSUER_URL=.*must start with https:\/\//);
    assert.match(found[1]!, /^OIDC_CLIENT_ID="": must be set too/);
    assert.match(found[2]!, /^OIDC_ROLE_MAP="": must map at least one claim value/);
  });

  it("names a bad role map entry", () => {
    assert.match(
      problems({ ...SSO, OIDC_ROLE_MAP: "admins=root" })[0]!,
      /^OIDC_ROLE_MAP="admins=root": "admins=root" must be claim-value=role/,
    );
    assert.match(problems({ ...SSO, OIDC_ROLE_MAP: "=admin" })[0]!, /must be claim-value=role/);
  });

  it("refuses LOCAL_PASSWORDS=off without single sign-on or a break-glass administrator", () => {
    const found = problems({ LOCAL_PASSWORDS: "off" });
    assert.equal(found.length, 2);
    assert.match(found[0]!, /^LOCAL_PASSWORDS="off": needs single sign-on/);
    assert.match(found[1]!, /^BREAK_GLASS_ADMINS="": must name at least one administrator/);
    assert.deepEqual(
      problems({ ...SSO, OIDC_ROLE_MAP: "*=viewer", LOCAL_PASSWORDS: "off", BREAK_GLASS_ADMINS: "a@example.org" }),
      [],
    );
  });
});
