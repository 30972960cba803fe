import type { Config } from "../../config/config.js";
import type { RoleMapEntry, SsoRole } from "../../config/oidc-settings.js";

// The rules of single sign-on that need no network and no database (decision 0031).

const rank: Record<SsoRole, number> = { viewer: 1, manager: 2, admin: 3 };

/** The strings a role claim holds: one string, or the strings of a list; anything else none. */
function claimValues(claim: unknown): string[] {
  if (typeof claim === "string") return [claim];
  if (Array.isArray(claim)) return claim.filter((v): v is string => typeof v === "string");
  return [];
}

/**
 * The role a role claim gives under OIDC_ROLE_MAP: the highest of the roles its values map to
 * (exact, case-sensitive match, as providers' group names are), else the role of `*`, else
 * null (the sign-in is refused: no mapping means no access, never a silent default).
 */
export function roleFromClaim(claim: unknown, map: RoleMapEntry[]): SsoRole | null {
  const values = new Set(claimValues(claim));
  let best: SsoRole | null = null;
  for (const entry of map) {
    if (entry.value !== "*" && values.has(entry.value) && (!best || rank[entry.role] > rank[best])) best = entry.role;
  }
  return best ?? map.find((entry) => entry.value === "*")?.role ?? null;
}

/** The domain of an e-mail address, lower-cased (after its last @). */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}

/** Whether OIDC_ALLOWED_DOMAINS lets this address in: an exact domain of the list, or any when the list is empty. */
export function isDomainAllowed(email: string, allowed: string[]): boolean {
  return allowed.length === 0 || allowed.includes(domainOf(email));
}

/** amr values (RFC 8176) that say the provider asked for more than a password. */
const SECOND_FACTOR_AMR = new Set(["mfa", "otp", "hwk", "swk", "sms", "fpt", "face"]);

/**
 * Whether this single sign-on stands for Breachdesk's second factor (OIDC_MFA): never (local),
 * when the ID token's amr names a second factor (amr), or always (idp: the provider enforces it).
 */
export function isSecondFactorDoneByProvider(mode: Config["OIDC_MFA"], amr: unknown): boolean {
  if (mode === "idp") return true;
  if (mode === "local") return false;
  return Array.isArray(amr) && amr.some((v) => typeof v === "string" && SECOND_FACTOR_AMR.has(v));
}

/**
 * Whether a password sign-in is allowed for this address: always with LOCAL_PASSWORDS=on; with
 * off, only for a break-glass administrator (BREAK_GLASS_ADMINS; the account must be an
 * administrator too, checked once the password matched).
 */
export function isPasswordSignInAllowed(config: Pick<Config, "LOCAL_PASSWORDS" | "BREAK_GLASS_ADMINS">, email: string): boolean {
  return config.LOCAL_PASSWORDS === "on" || config.BREAK_GLASS_ADMINS.includes(email.trim().toLowerCase());
}

/** Whether single sign-on is set up. */
export function isSsoConfigured(config: Pick<Config, "OIDC_ISSUER_URL" | "OIDC_CLIENT_ID">): boolean {
  return Boolean(config.OIDC_ISSUER_URL && config.OIDC_CLIENT_ID);
}

/** The scopes asked of the provider: OIDC_SCOPES, with openid first whatever it says. */
export function scopesOf(configured: string): string {
  const scopes = configured.split(/\s+/).filter((s) => s && s !== "openid");
  return ["openid", ...scopes].join(" ");
}
