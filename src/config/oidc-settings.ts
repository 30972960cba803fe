import { z } from "zod";

/** A role a claim value can give: the app's three, with "administrator" read as admin. */
export type SsoRole = "admin" | "manager" | "viewer";

/** One entry of OIDC_ROLE_MAP: a claim value (or * for any other) and the role it gives. */
export interface RoleMapEntry {
  value: string;
  role: SsoRole;
}

const roleNames: Record<string, SsoRole> = { admin: "admin", administrator: "admin", manager: "manager", viewer: "viewer" };

/**
 * OIDC_ROLE_MAP: `value=role` entries separated by commas, e.g.
 * `breach-admins=admin,breach-managers=manager,*=viewer`. Each entry splits at its last `=`, so
 * a value may hold `=` itself; `*` matches a user none of the others matched.
 */
export const roleMap = z.string().transform((text, ctx) => {
  const entries: RoleMapEntry[] = [];
  for (const raw of text.split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const at = entry.lastIndexOf("=");
    const value = at > 0 ? entry.slice(0, at).trim() : "";
    const role =
      roleNames[
        entry
          .slice(at + 1)
          .trim()
          .toLowerCase()
      ];
    if (!value || !role) {
      ctx.addIssue({
        code: "custom",
        message: `"${entry}" must be claim-value=role, the role admin, manager or viewer (e.g. breach-admins=admin,*=viewer)`,
      });
      return z.NEVER;
    }
    entries.push({ value, role });
  }
  return entries;
});

/** A comma-separated list, trimmed, lower-cased, empty entries dropped. */
export const lowerCaseList = z.string().transform((text) =>
  text
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean),
);

/** The single sign-on settings as loadConfig has parsed them. */
export interface OidcSettings {
  OIDC_ISSUER_URL?: string | undefined;
  OIDC_CLIENT_ID?: string | undefined;
  OIDC_ROLE_MAP: RoleMapEntry[];
  LOCAL_PASSWORDS: "on" | "off";
  BREAK_GLASS_ADMINS: string[];
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * What is wrong with the single sign-on settings taken together, one line per problem in the
 * configuration error's form, or none. The issuer must be https:// (http:// only on this
 * machine, for a test provider), and needs a client id and at least one role mapping (without
 * one, every sign-in would be refused); passwords switched off need single sign-on and a
 * break-glass administrator, or no one could sign in.
 */
export function oidcSettingsProblems(s: OidcSettings): string[] {
  const problems: string[] = [];
  if (s.OIDC_ISSUER_URL) {
    const url = new URL(s.OIDC_ISSUER_URL);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
      problems.push(
        `OIDC_ISSUER_URL="${s.OIDC_ISSUER_URL}": must start with https:// (http:// only for a provider on 127.0.0.1 or localhost)`,
      );
    }
    if (!s.OIDC_CLIENT_ID)
      problems.push(`OIDC_CLIENT_ID="": must be set too, since OIDC_ISSUER_URL is (the client id the provider gave Breachdesk)`);
    if (s.OIDC_ROLE_MAP.length === 0) {
      problems.push(
        `OIDC_ROLE_MAP="": must map at least one claim value to a role (e.g. breach-admins=admin,*=viewer), or no one could sign in`,
      );
    }
  }
  if (s.LOCAL_PASSWORDS === "off") {
    if (!s.OIDC_ISSUER_URL)
      problems.push(`LOCAL_PASSWORDS="off": needs single sign-on (OIDC_ISSUER_URL), or no one could sign in`);
    if (s.BREAK_GLASS_ADMINS.length === 0) {
      problems.push(
        `BREAK_GLASS_ADMINS="": must name at least one administrator's e-mail address when LOCAL_PASSWORDS=off, for when the provider is down`,
      );
    }
  }
  return problems;
}
