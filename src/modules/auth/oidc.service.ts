import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { type Actor, recordAudit } from "../audit/index.js";
import {
  createSsoUser,
  emailField,
  findUserBySubject,
  findUserWithEmail,
  linkSsoSubject,
  type Role,
  setRoleFromSso,
  type User,
} from "../users/index.js";
import { completeSignIn } from "./auth.service.js";
import type { SsoClaims } from "./oidc.client.js";
import { domainOf, isDomainAllowed, isSecondFactorDoneByProvider, roleFromClaim } from "./oidc.policy.js";
import { hasSecondFactor } from "./two-factor-sign-in.service.js";

export interface SsoSignInResult {
  user: User;
  /** The user has Breachdesk's own second factor and the provider's sign-in does not stand for it: ask the code. */
  mustEnterCode: boolean;
  /** The provider's sign-in stands for the second factor (OIDC_MFA), so REQUIRE_MFA asks nothing more. */
  isSecondFactorByProvider: boolean;
}

/** A refused sign-in: what the audit log keeps and what the person reads. */
class Refusal {
  constructor(
    readonly reason: string,
    readonly message: string,
    readonly userId: string | null = null,
  ) {}
}

/**
 * Signs in the person the provider vouched for (decision 0031): checks their e-mail address and
 * its domain, gives them the role their claim maps to, finds their account by the provider's
 * subject (or makes it, or links one with the same address when OIDC_LINK_BY_EMAIL allows),
 * and audits each change in one transaction. A refusal is audited and thrown with its reason.
 * The sign-in is complete unless the user must still enter Breachdesk's own code.
 */
export async function signInThroughSso(deps: Deps, sso: SsoClaims, ip: string | null): Promise<SsoSignInResult> {
  const email = verifiedEmailOf(deps, sso);
  const actor: Actor = { userId: null, label: email ?? `${sso.issuer} ${sso.subject}`, ip };
  const outcome =
    email === null
      ? new Refusal(
          "no_email",
          `${deps.config.OIDC_PROVIDER_NAME} did not give a verified e-mail address for your account, which Breachdesk needs. Ask your administrator.`,
        )
      : await deps.db.prisma.$transaction((tx) => resolveAccount(deps, tx, sso, email, { ...actor }));
  if (outcome instanceof Refusal) {
    await deps.db.prisma.$transaction((tx) =>
      recordAudit(
        deps.db,
        tx,
        { ...actor, userId: outcome.userId },
        { action: "auth.sso_refused", entityType: "user", entityId: outcome.userId, after: { reason: outcome.reason, email } },
        deps.clock,
      ),
    );
    throw new AppError("forbidden", outcome.message);
  }
  const isSecondFactorByProvider = isSecondFactorDoneByProvider(deps.config.OIDC_MFA, sso.amr);
  if (!isSecondFactorByProvider && (await hasSecondFactor(deps, outcome.id))) {
    return { user: outcome, mustEnterCode: true, isSecondFactorByProvider };
  }
  const user = await completeSignIn(deps, outcome, ip, isSecondFactorByProvider ? "provider" : undefined, "sso");
  return { user, mustEnterCode: false, isSecondFactorByProvider };
}

/** The claims' e-mail address, normalised, when it is one and the provider did not say it is unverified. */
function verifiedEmailOf(deps: Deps, sso: SsoClaims): string | null {
  if (sso.claims.email_verified === false) return null;
  const parsed = emailField.safeParse(sso.claims.email);
  if (!parsed.success)
    deps.logger.warn({ issuer: sso.issuer, subject: sso.subject }, "a single sign-on came without an e-mail address");
  return parsed.success ? parsed.data : null;
}

/** The account of this sign-in, made, linked or found, with its role refreshed; or why not. */
async function resolveAccount(deps: Deps, tx: DbOrTx, sso: SsoClaims, email: string, actor: Actor): Promise<User | Refusal> {
  const config = deps.config;
  if (!isDomainAllowed(email, config.OIDC_ALLOWED_DOMAINS)) {
    return new Refusal(
      "domain",
      `Addresses at ${domainOf(email)} may not sign in to Breachdesk: only those at ${config.OIDC_ALLOWED_DOMAINS.join(", ")} may. No account was made for ${email}. If you should have access, ask your administrator.`,
    );
  }
  const role = roleFromClaim(sso.claims[config.OIDC_ROLE_CLAIM], config.OIDC_ROLE_MAP) as Role | null;
  if (!role) {
    return new Refusal(
      "no_role",
      `Your account at ${config.OIDC_PROVIDER_NAME} is in none of the groups that give access to Breachdesk, so you cannot sign in. Ask your administrator to add you to one.`,
    );
  }
  const audit = (action: string, user: User, before?: unknown, after?: unknown) =>
    recordAudit(
      deps.db,
      tx,
      { ...actor, userId: user.id },
      { action, entityType: "user", entityId: user.id, before, after },
      deps.clock,
    );

  let user = await findUserBySubject(tx, sso.issuer, sso.subject);
  if (!user) {
    const sameEmail = await findUserWithEmail(tx, email);
    if (!sameEmail) {
      const created = await createSsoUser(tx, {
        email,
        name: nameOf(sso, email),
        role,
        issuer: sso.issuer,
        subject: sso.subject,
      });
      await audit("user.create", created, undefined, { email, name: created.name, role, status: "active", method: "sso" });
      return created;
    }
    const refusal = linkRefusal(deps, sameEmail, email);
    if (refusal) return refusal;
    user = await linkSsoSubject(tx, sameEmail, sso.issuer, sso.subject);
    await audit("user.sso_link", user, undefined, { email, issuer: sso.issuer });
  }
  if (user.status !== "active") {
    return new Refusal(
      "deactivated",
      "Your Breachdesk account is deactivated, so you cannot sign in. Ask your administrator.",
      user.id,
    );
  }
  if (user.role !== role) {
    const before = user.role;
    user = await setRoleFromSso(tx, user.id, role);
    await audit("user.role_change", user, { role: before }, { role, via: "sso" });
  }
  return user;
}

/** Why an existing account with the same address may not be linked, or null when it may. */
function linkRefusal(deps: Deps, existing: User, email: string): Refusal | null {
  const provider = deps.config.OIDC_PROVIDER_NAME;
  if (!deps.config.OIDC_LINK_BY_EMAIL) {
    return new Refusal(
      "not_linked",
      `Breachdesk has an account for ${email} already, and it is not linked to your ${provider} account. An e-mail address alone does not link them here: sign in with your password, or ask your administrator.`,
      existing.id,
    );
  }
  if (existing.oidcSubject) {
    return new Refusal(
      "linked_elsewhere",
      `The Breachdesk account for ${email} is linked to another ${provider} account. Ask your administrator.`,
      existing.id,
    );
  }
  if (existing.status === "deactivated") {
    return new Refusal(
      "deactivated",
      "Your Breachdesk account is deactivated, so you cannot sign in. Ask your administrator.",
      existing.id,
    );
  }
  return null;
}

/** A name for a new account: the claims' name, else given and family names, else the address's local part. */
function nameOf(sso: SsoClaims, email: string): string {
  const text = (v: unknown) => (typeof v === "string" ? v.replace(/\p{C}/gu, "").replace(/\s+/g, " ").trim() : "");
  const name =
    text(sso.claims.name) ||
    [text(sso.claims.given_name), text(sso.claims.family_name)].filter(Boolean).join(" ") ||
    text(sso.claims.preferred_username) ||
    email.slice(0, email.lastIndexOf("@"));
  return name.slice(0, 120);
}
