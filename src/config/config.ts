import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { z } from "zod";
import { dkimKeyProblem } from "./dkim-key.js";
import { lowerCaseList, oidcSettingsProblems, roleMap } from "./oidc-settings.js";
import { trustProxy } from "./trust-proxy.js";

/**
 * Every setting Breachdesk reads, with its default and the line that documents it.
 * This module is the only reader of process.env; .env.example lists the same keys, and a
 * test keeps the two in step.
 */
const boolean = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const positiveInt = (max: number) =>
  z.coerce
    .number({ message: "must be a whole number" })
    .int({ message: "must be a whole number" })
    .min(1, { message: "must be at least 1" })
    .max(max, { message: `must be at most ${max}` });

/** A whole number from 0 (meaning "no limit") to max. */
const wholeOrZero = (max: number) =>
  z.coerce
    .number({ message: "must be a whole number (0 for no limit)" })
    .int({ message: "must be a whole number (0 for no limit)" })
    .min(0, { message: "must be 0 (no limit) or more" })
    .max(max, { message: `must be at most ${max}` });

export const settingDocs = {
  NODE_ENV: "development | production | test. production caches compiled page templates.",
  HOST: "Address the web server listens on (use 0.0.0.0 to accept connections from other machines).",
  PORT: "TCP port of the web server.",
  PUBLIC_URL: "Address people use to reach the app, used in links in emails (default: http://localhost:PORT).",
  DATABASE_URL: "file:<path> for SQLite (created on first start), or postgresql://user:pass@host:5432/db.",
  SESSION_SECRET: "Secret that signs session cookies; generated and kept in the database when unset.",
  SESSION_TTL_HOURS: "Hours of inactivity after which a session ends.",
  TRUST_PROXY:
    "Behind reverse proxies that set X-Forwarded-For/Proto: their number (e.g. 1) or their addresses (e.g. 10.0.0.5, 10.1.0.0/16, loopback); false: none. Not true, which would believe any client.",
  SMTP_URL: "smtp:// or smtps:// address of the mail relay; unset keeps every message in the built-in mail catcher.",
  SMTP_POOL_SIZE: "Connections kept open to the SMTP relay.",
  MAIL_FROM:
    "Sender of the system's own mail (invitations, password resets, reminders, digests, pause notices). Notices come from the organisation's sender (Admin, Organisation), never from this.",
  MAIL_RATE_PER_SECOND:
    "Most campaign notices the deployment sends per second, all workers together (a token bucket that allows a second's burst; on PostgreSQL shared through the database); 0: no limit.",
  MAIL_RATE_PER_HOUR:
    "Most campaign notices the deployment sends per hour, all workers together (a token bucket that allows an hour's burst; on PostgreSQL shared through the database); 0: no limit.",
  MAIL_LEASE_SECONDS: "Seconds a worker holds the notices it claimed; those of a worker that died are sent again after this.",
  MAIL_RETRY_HOURS:
    "Hours a notice refused for a passing reason (4xx, no connection) is retried, from when it was queued, before it fails.",
  CAMPAIGN_ERROR_WINDOW: "How many of a campaign's latest answers from the mail server are watched for errors (4xx and 5xx).",
  CAMPAIGN_PAUSE_ERROR_SHARE:
    "Share of errors among those answers (0.01 to 1) that pauses the campaign and e-mails its managers why.",
  CAMPAIGN_FAN_OUT_BATCH:
    "Deliveries a campaign's start writes in one transaction; a larger audience's rest is written by the worker, a batch a transaction, while the first notices go out.",
  DKIM_DOMAIN:
    "Domain that signs outgoing mail with DKIM (d=), e.g. example.org; set with DKIM_SELECTOR and DKIM_PRIVATE_KEY_PATH, or none of them (no signing).",
  DKIM_SELECTOR: "DKIM selector (s=): the public key is published as TXT at <selector>._domainkey.<DKIM_DOMAIN>.",
  DKIM_PRIVATE_KEY_PATH:
    "File holding the DKIM private key (PEM, RSA or Ed25519), read at start; a file that cannot be read stops the start naming this setting.",
  MAIL_RELAY_SPF:
    "What the mail relay asks senders to publish in SPF: include:<domain> (e.g. include:mailgun.org) or the relay's sending IP address; the sender check looks for it. Unset: only the record's presence is checked.",
  DNS_SERVERS: "DNS servers the sender domain check asks, comma-separated (e.g. 127.0.0.1:5353 or 9.9.9.9); unset: the system's.",
  MESSAGE_ID_DOMAIN: "Domain of the notices' Message-IDs, <delivery.ID@domain> (default: the domain of MAIL_FROM).",
  PEOPLE_UPLOAD_MAX_MIB: "Largest file of affected people accepted, on the site and through the API, in MiB (2048 = 2 GiB).",
  EVIDENCE_MAX_MIB: "Largest evidence file accepted, on the site and through the API, in MiB (1024 = 1 GiB).",
  EVIDENCE_DIR:
    "Folder where evidence files are kept (default: evidence/ beside the SQLite database, or ./data/evidence with PostgreSQL). Back it up with the database.",
  RETENTION_DAYS_AFTER_CLOSE:
    "Days after an incident is closed that its affected people's personal data is kept before the purge (an incident may set its own, or a legal hold).",
  MAIL_CATCHER_RETENTION_DAYS: "Days the mail catcher keeps a message before housekeeping deletes it.",
  BOUNCE_WEBHOOK_SECRET:
    "Shared secret (16 characters or more) that bounce and complaint reports to POST /hooks/bounces must carry; unset refuses them.",
  BOUNCE_MAILBOX_URL:
    "imaps://user:password@host[:993][/mailbox, default INBOX] (imap:// on a trusted network) of the mailbox that receives bounce messages; unset reads none. POP3 is not read.",
  BOUNCE_MAILBOX_POLL_MINUTES: "Minutes between two reads of the bounce mailbox.",
  RUN_WORKER: "true runs the background worker inside the web process; false when `npm run worker` runs it.",
  WORKER_POLL_MS: "Milliseconds between two polls of the job queue by an idle worker.",
  LOGIN_MAX_FAILURES:
    "Failed sign-ins to an account from one address before that address waits, 5 seconds and doubling; five times that over all accounts from one address, or to one account from all addresses (then a wait of at most a minute).",
  LOGIN_WINDOW_MINUTES: "Longest wait after failed sign-ins, in minutes; failures are forgotten after this much quiet.",
  REQUIRE_MFA:
    "none | staff | all: who must sign in with a second factor (staff: administrators and managers); a user without one is taken to its setup after the password.",
  NOTIFY_NEW_CLIENT_SIGN_IN:
    "E-mail a user when they sign in from a client not seen for them before (browser and system families and the network: IPv4 /24, IPv6 /48): true or false.",
  INCIDENTS_DEFAULT_ACCESS:
    "restricted | open: who reads a new incident (restricted: its members and administrators; open: every signed-in user); its managers can change it.",
  REGISTER_RESTRICTED:
    "hide | line: how the breach register shows a restricted incident to someone not on its team (hide: not at all; line: its reference and status only, the details withheld).",
  LOG_LEVEL: "fatal | error | warn | info | debug | trace | silent.",
  AUDIT_KEY:
    "Secret (32 bytes or more) that keys the audit log's hashes; unset: generated on first start into <database>.audit-key beside the database (mode 0600). Back it up apart from the database.",
  AUDIT_ANCHOR_PATH:
    "Append-only file where the worker writes the audit chain's latest entry and hash every minute it moved (default: <database>.audit-anchor beside the database).",
  OIDC_ISSUER_URL:
    "Issuer of the OpenID Connect provider for single sign-on (https://, e.g. https://login.example.org/realms/staff); unset: no single sign-on. Discovered at the first sign-in, not at start.",
  OIDC_CLIENT_ID: "Client id the OpenID provider gave Breachdesk; its redirect URI there is <PUBLIC_URL>/login/sso/callback.",
  OIDC_CLIENT_SECRET: "Client secret the OpenID provider gave Breachdesk; unset: a public client (PKCE only).",
  OIDC_PROVIDER_NAME: 'Name on the sign-in page\'s button, "Sign in with <name>".',
  OIDC_SCOPES: "Scopes asked of the provider, space-separated; openid is always asked.",
  OIDC_ROLE_CLAIM: "Claim of the ID token or userinfo holding the user's groups or roles (a string or a list of strings).",
  OIDC_ROLE_MAP:
    "claim-value=role entries, comma-separated, role admin | manager | viewer, * for any other value (e.g. breach-admins=admin,breach-managers=manager,*=viewer); the highest matched wins; no match and no *: refused.",
  OIDC_ALLOWED_DOMAINS: "E-mail domains allowed to sign in through the provider, comma-separated (exact domains); unset: any.",
  OIDC_LINK_BY_EMAIL:
    "true links a first single sign-on to an existing account with the same (verified) e-mail address; false refuses it (an administrator links nobody by address): true or false.",
  OIDC_MFA:
    "local | amr | idp: when a single sign-on counts as two-factor for REQUIRE_MFA (local: never, Breachdesk's own code is asked; amr: when the ID token's amr says mfa, otp, hwk, swk, sms, fpt or face; idp: always, the provider enforces it).",
  LOCAL_PASSWORDS:
    "on | off: off refuses password sign-in to everyone but the BREAK_GLASS_ADMINS (single sign-on must be set up).",
  BREAK_GLASS_ADMINS:
    "E-mail addresses of administrators who may still sign in with a password when LOCAL_PASSWORDS=off, comma-separated.",
} as const;

/** A domain name such as example.org. */
const domainName = z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/, {
  message: "must be a domain name such as example.org",
});

/** An IP address, with a port after it: 127.0.0.1:53, [::1]:53. */
function isDnsServer(value: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value);
  const [host, port] = bracketed ? [bracketed[1]!, bracketed[2]] : isIP(value) ? [value, undefined] : value.split(":");
  return isIP(host ?? "") !== 0 && (port === undefined || (Number(port) >= 1 && Number(port) <= 65535));
}

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce
    .number({ message: "must be a port number" })
    .int({ message: "must be a port number" })
    .min(0, { message: "must be between 0 and 65535" })
    .max(65535, { message: "must be between 0 and 65535" })
    .default(3000),
  PUBLIC_URL: z.string().url({ message: "must be an absolute URL such as https://breachdesk.example.org" }).optional(),
  DATABASE_URL: z
    .string()
    .default("file:./data/breachdesk.db")
    .refine((v) => /^(file:|postgres(ql)?:\/\/)/.test(v), {
      message: "must start with file: (SQLite) or postgresql:// (PostgreSQL)",
    }),
  SESSION_SECRET: z.string().min(32, { message: "must be at least 32 characters" }).optional(),
  SESSION_TTL_HOURS: positiveInt(24 * 30).default(12),
  TRUST_PROXY: trustProxy.default("false"),
  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\//.test(v), { message: "must start with smtp:// or smtps://" })
    .optional(),
  SMTP_POOL_SIZE: positiveInt(50).default(5),
  MAIL_FROM: z.string().min(3).default("Breachdesk <breachdesk@localhost>"),
  MAIL_RATE_PER_SECOND: wholeOrZero(100_000).default(50),
  MAIL_RATE_PER_HOUR: wholeOrZero(100_000_000).default(0),
  MAIL_LEASE_SECONDS: positiveInt(3600).default(60),
  MAIL_RETRY_HOURS: positiveInt(24 * 30).default(48),
  CAMPAIGN_ERROR_WINDOW: positiveInt(100_000).default(100),
  CAMPAIGN_PAUSE_ERROR_SHARE: z.coerce
    .number({ message: "must be a number between 0.01 and 1, e.g. 0.5" })
    .min(0.01, { message: "must be between 0.01 and 1, e.g. 0.5" })
    .max(1, { message: "must be between 0.01 and 1, e.g. 0.5" })
    .default(0.5),
  CAMPAIGN_FAN_OUT_BATCH: positiveInt(1_000_000).default(20_000),
  MESSAGE_ID_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/, {
      message: "must be a domain name such as breachdesk.example.org",
    })
    .optional(),
  PEOPLE_UPLOAD_MAX_MIB: positiveInt(1024 * 1024).default(2048),
  EVIDENCE_MAX_MIB: positiveInt(1024 * 1024).default(1024),
  EVIDENCE_DIR: z.string().min(1).optional(),
  RETENTION_DAYS_AFTER_CLOSE: positiveInt(36_500).default(90),
  MAIL_CATCHER_RETENTION_DAYS: positiveInt(3650).default(30),
  DKIM_DOMAIN: domainName.optional(),
  DKIM_SELECTOR: z
    .string()
    .regex(/^[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?)*$/, {
      message: "must be a DKIM selector such as breachdesk or s2026",
    })
    .optional(),
  DKIM_PRIVATE_KEY_PATH: z.string().min(1).optional(),
  MAIL_RELAY_SPF: z
    .string()
    .refine((v) => /^include:[A-Za-z0-9._-]+$/i.test(v) || isIP(v) !== 0, {
      message: "must be include:<domain> (e.g. include:mailgun.org) or an IP address (e.g. 203.0.113.5)",
    })
    .optional(),
  DNS_SERVERS: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.length > 0 && list.every(isDnsServer), {
      message:
        "must be DNS server addresses separated by commas, each an IP address with an optional :port (e.g. 127.0.0.1:5353)",
    })
    .optional(),
  BOUNCE_WEBHOOK_SECRET: z.string().min(16, { message: "must be at least 16 characters" }).optional(),
  BOUNCE_MAILBOX_URL: z
    .string()
    .url({ message: "must be a URL such as imaps://bounces:secret@mail.example.org" })
    .refine((v) => !/^pop3s?:\/\//i.test(v), {
      message:
        "POP3 is no longer read (no maintained POP3 client for Node): give the same mailbox over IMAP, imaps://user:password@host[:993][/mailbox]",
    })
    .refine((v) => /^(imaps?|pop3s?):\/\//i.test(v), { message: "must start with imaps:// or imap://" })
    .optional(),
  BOUNCE_MAILBOX_POLL_MINUTES: positiveInt(24 * 60).default(5),
  RUN_WORKER: boolean.default("true"),
  WORKER_POLL_MS: positiveInt(60_000).default(1000),
  LOGIN_MAX_FAILURES: positiveInt(100).default(5),
  LOGIN_WINDOW_MINUTES: positiveInt(24 * 60).default(15),
  REQUIRE_MFA: z.enum(["none", "staff", "all"], { message: "must be none, staff or all" }).default("none"),
  NOTIFY_NEW_CLIENT_SIGN_IN: boolean.default("false"),
  INCIDENTS_DEFAULT_ACCESS: z.enum(["restricted", "open"], { message: "must be restricted or open" }).default("restricted"),
  REGISTER_RESTRICTED: z.enum(["hide", "line"], { message: "must be hide or line" }).default("hide"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  AUDIT_KEY: z
    .string()
    .refine((v) => Buffer.byteLength(v) >= 32, { message: "must be at least 32 bytes, e.g. from openssl rand -base64 32" })
    .optional(),
  AUDIT_ANCHOR_PATH: z.string().min(1).optional(),
  OIDC_ISSUER_URL: z.string().url({ message: "must be an absolute URL such as https://login.example.org" }).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_PROVIDER_NAME: z.string().min(1).max(60, { message: "must be at most 60 characters" }).default("single sign-on"),
  OIDC_SCOPES: z.string().min(1).default("openid email profile"),
  OIDC_ROLE_CLAIM: z.string().min(1).default("groups"),
  OIDC_ROLE_MAP: roleMap.default(""),
  OIDC_ALLOWED_DOMAINS: lowerCaseList.default(""),
  OIDC_LINK_BY_EMAIL: boolean.default("false"),
  OIDC_MFA: z.enum(["local", "amr", "idp"], { message: "must be local, amr or idp" }).default("local"),
  LOCAL_PASSWORDS: z.enum(["on", "off"], { message: "must be on or off" }).default("on"),
  BREAK_GLASS_ADMINS: lowerCaseList.default(""),
});

type Parsed = z.infer<typeof schema>;
export type DatabaseKind = "sqlite" | "postgresql";
export type Config = Parsed & { publicUrl: string; databaseKind: DatabaseKind };

/** Thrown when the environment holds a bad value; the message names every bad key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Loads ./.env into process.env when the file exists; variables already set win. Called by
 * the entry points only, so tests never pick up a developer's .env.
 */
export function loadDotEnv(path = ".env"): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/**
 * A bad value as its error may show it (errors reach the terminal and logs): a secret
 * (*_SECRET, *_KEY) is hidden, and a URL's password (SMTP_URL, BOUNCE_MAILBOX_URL,
 * DATABASE_URL) is masked.
 */
function shownValue(key: string, value: string): string {
  if (key.endsWith("_SECRET") || key.endsWith("_KEY")) return value === "" ? "" : "[hidden]";
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/i, "$1***@");
}

/** Reads and validates the settings; empty strings count as unset. Throws ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(settingDocs)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") input[key] = value.trim();
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        return `${key}=${JSON.stringify(shownValue(key, input[key] ?? ""))}: ${issue.message}`;
      }),
    );
  }
  const parsed = result.data;
  const dkimProblems = dkimKeyProblem(parsed);
  if (dkimProblems.length) throw new ConfigError(dkimProblems);
  const oidcProblems = oidcSettingsProblems(parsed);
  if (oidcProblems.length) throw new ConfigError(oidcProblems);
  return {
    ...parsed,
    publicUrl: (parsed.PUBLIC_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/+$/, ""),
    databaseKind: parsed.DATABASE_URL.startsWith("file:") ? "sqlite" : "postgresql",
  };
}
