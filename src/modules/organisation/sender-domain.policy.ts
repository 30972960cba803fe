/**
 * What the sender domain's DNS records say about whether receivers will trust the notices: an
 * SPF record (including the relay when one is named), the DKIM selector's key (matching the key
 * Breachdesk signs with), and a DMARC policy. Each finding is a warning at most: a campaign
 * starts whatever they say. Pure: sender-readiness.service.ts does the lookups.
 */

export type FindingStatus = "ok" | "info" | "warning" | "unknown";

export interface DomainFinding {
  check: "spf" | "dkim" | "dmarc";
  status: FindingStatus;
  /** One sentence: what was found. */
  summary: string;
  /** What it means or what to do; "" when nothing. */
  detail: string;
  /** The record as published, when one was found. */
  record: string | null;
}

export interface SenderReadiness {
  domain: string;
  findings: DomainFinding[];
  /** True when no finding is a warning or unknown. */
  isReady: boolean;
  checkedAt: Date;
}

/** A lookup's outcome: the TXT strings, no such record, or no answer (timeout, server failure). */
export type TxtAnswer = { kind: "records"; records: string[] } | { kind: "none" } | { kind: "no_answer"; reason: string };

/** Error codes that mean "this name has no such record", as against "DNS did not answer". */
const NO_RECORD_CODES = new Set(["ENOTFOUND", "ENODATA", "NXDOMAIN", "ENONAME"]);

/** A lookup's result or error as a TxtAnswer; each TXT record's strings are joined, as RFC 7208 and 6376 say. */
export function txtAnswerOf(result: { records?: string[][]; error?: unknown }): TxtAnswer {
  if (result.records) return { kind: "records", records: result.records.map((parts) => parts.join("")) };
  const code = (result.error as { code?: string } | undefined)?.code ?? "";
  if (NO_RECORD_CODES.has(code)) return { kind: "none" };
  return { kind: "no_answer", reason: describeDnsError(code) };
}

export function describeDnsError(code: string): string {
  if (code === "ETIMEOUT" || code === "ECANCELLED" || code === "TIMEOUT") return "DNS did not answer in time";
  if (code === "ECONNREFUSED") return "the DNS server refused the connection";
  if (code === "ESERVFAIL" || code === "SERVFAIL") return "the DNS server failed to answer (SERVFAIL)";
  if (code === "EREFUSED") return "the DNS server refused the query";
  return code ? `DNS lookup failed (${code})` : "DNS lookup failed";
}

function unknown(check: DomainFinding["check"], what: string, reason: string): DomainFinding {
  return {
    check,
    status: "unknown",
    summary: `Could not check ${what}: ${reason}.`,
    detail: "This does not stop the campaign; check again later or ask whoever runs the domain's DNS.",
    record: null,
  };
}

/** The domain's SPF records (v=spf1), from its TXT records. */
export function spfRecordsOf(records: string[]): string[] {
  return records.filter((r) => /^v=spf1(\s|$)/i.test(r.trim()));
}

/** The include: and redirect= domains of an SPF record, which the relay check follows. */
export function spfReferences(record: string): { includes: string[]; redirect: string | null } {
  const includes: string[] = [];
  let redirect: string | null = null;
  for (const term of record.trim().split(/\s+/).slice(1)) {
    const include = /^[+~?-]?include:(.+)$/i.exec(term);
    if (include) includes.push(include[1]!.toLowerCase().replace(/\.$/, ""));
    const redirected = /^redirect=(.+)$/i.exec(term);
    if (redirected) redirect = redirected[1]!.toLowerCase().replace(/\.$/, "");
  }
  return { includes, redirect };
}

/** Whether the relay check passed: yes, no, or could not tell (why). */
export type RelayVerdict = { kind: "included" } | { kind: "not_included" } | { kind: "unknown"; reason: string };

/** The SPF finding: one record, including the relay (MAIL_RELAY_SPF) when one is named. */
export function spfFinding(domain: string, answer: TxtAnswer, relay: string | null, verdict: RelayVerdict | null): DomainFinding {
  if (answer.kind === "no_answer") return unknown("spf", `the SPF record of ${domain}`, answer.reason);
  const records = answer.kind === "records" ? spfRecordsOf(answer.records) : [];
  if (records.length === 0)
    return {
      check: "spf",
      status: "warning",
      summary: `${domain} publishes no SPF record.`,
      detail: `Receivers cannot tell which servers may send as ${domain}; publish a TXT record such as "v=spf1 ${relay ?? "include:<your relay>"} -all".`,
      record: null,
    };
  if (records.length > 1)
    return {
      check: "spf",
      status: "warning",
      summary: `${domain} publishes ${records.length} SPF records; receivers treat that as an error (RFC 7208 4.5).`,
      detail: "Merge them into one record.",
      record: records.join(" | "),
    };
  const record = records[0]!;
  if (!relay)
    return {
      check: "spf",
      status: "ok",
      summary: `${domain} publishes an SPF record.`,
      detail: "Set MAIL_RELAY_SPF to check that it includes your mail relay.",
      record,
    };
  if (verdict?.kind === "included")
    return { check: "spf", status: "ok", summary: `${domain}'s SPF record includes the relay (${relay}).`, detail: "", record };
  if (verdict?.kind === "unknown") return { ...unknown("spf", `whether SPF includes ${relay}`, verdict.reason), record };
  return {
    check: "spf",
    status: "warning",
    summary: `${domain}'s SPF record does not include the relay (${relay}).`,
    detail: `Receivers may treat the notices as forged; add ${relay.startsWith("include:") ? relay : `ip4:${relay}`} to the record before its "all".`,
    record,
  };
}

/** A DKIM or DMARC record's tags (k=v; k=v), keys lower case, values trimmed (a DKIM key's spaces removed). */
export function parseTags(record: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of record.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    tags[key] = part.slice(eq + 1).trim();
  }
  return tags;
}

/**
 * Whether a signature by `signing` counts for mail from `sender` under DMARC's relaxed
 * alignment, taken here as the same domain or one a subdomain of the other (the organisational
 * domain, without a public-suffix list).
 */
export function isAligned(sender: string, signing: string): boolean {
  const a = sender.toLowerCase();
  const b = signing.toLowerCase();
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

export interface DkimSetting {
  domain: string;
  selector: string;
  /** The public key's acceptable p= values (base64), from the private key Breachdesk signs with. */
  publicKeys: string[];
}

/** The DKIM finding: the selector's key published and matching the signing key, and aligned with the sender. */
export function dkimFinding(senderDomain: string, dkim: DkimSetting | null, answer: TxtAnswer | null): DomainFinding {
  if (!dkim || !answer)
    return {
      check: "dkim",
      status: "info",
      summary: "Breachdesk does not sign the notices with DKIM (DKIM_SELECTOR is not set).",
      detail: `Fine when your relay signs them as ${senderDomain}; otherwise set DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_PATH.`,
      record: null,
    };
  const name = `${dkim.selector}._domainkey.${dkim.domain}`;
  if (answer.kind === "no_answer") return unknown("dkim", `the DKIM key at ${name}`, answer.reason);
  const records = answer.kind === "records" ? answer.records.filter((r) => /(^|;)\s*p=/i.test(r)) : [];
  if (records.length === 0)
    return {
      check: "dkim",
      status: "warning",
      summary: `No DKIM key is published at ${name}.`,
      detail:
        "Receivers cannot verify the notices' signature; publish the public key of DKIM_PRIVATE_KEY_PATH there as a TXT record.",
      record: null,
    };
  const record = records[0]!;
  const published = (parseTags(record).p ?? "").replace(/\s+/g, "");
  if (!published)
    return { check: "dkim", status: "warning", summary: `The DKIM key at ${name} is revoked (empty p=).`, detail: "", record };
  if (dkim.publicKeys.length && !dkim.publicKeys.includes(published))
    return {
      check: "dkim",
      status: "warning",
      summary: `The key published at ${name} is not the one Breachdesk signs with (DKIM_PRIVATE_KEY_PATH).`,
      detail:
        "Signatures will fail; publish the public key of the configured private key, or point the setting at the right key.",
      record,
    };
  if (!isAligned(senderDomain, dkim.domain))
    return {
      check: "dkim",
      status: "warning",
      summary: `Notices are signed as ${dkim.domain}, but sent from ${senderDomain}.`,
      detail:
        "DMARC counts a signature only from the sender's own domain: sign with the sender's domain, or send from the signing one.",
      record,
    };
  return {
    check: "dkim",
    status: "ok",
    summary: `The DKIM key is published at ${name} and matches the signing key.`,
    detail: "",
    record,
  };
}

/** A DMARC record as mailauth's lookup returns it (the sender domain's, else its organisational domain's). */
export interface DmarcRecord {
  p?: string;
  sp?: string;
  pct?: number;
  rr: string;
  isOrgRecord: boolean;
}

/** The DMARC finding: a policy is published; what it asks receivers to do with mail that fails. */
export function dmarcFinding(domain: string, record: DmarcRecord | false | { noAnswer: string }): DomainFinding {
  if (record && "noAnswer" in record) return unknown("dmarc", `the DMARC policy of ${domain}`, record.noAnswer);
  if (!record)
    return {
      check: "dmarc",
      status: "warning",
      summary: `${domain} publishes no DMARC policy.`,
      detail: `Large mailbox providers expect one from bulk senders; publish at least "v=DMARC1; p=none; rua=mailto:<address>" as TXT at _dmarc.${domain}.`,
      record: null,
    };
  const policy = ((record.isOrgRecord && record.sp ? record.sp : record.p) ?? "").toLowerCase();
  const where = record.isOrgRecord ? " (its organisational domain's record)" : "";
  if (policy === "reject" || policy === "quarantine")
    return {
      check: "dmarc",
      status: "ok",
      summary: `${domain} has a DMARC policy${where}: ${policy}.`,
      detail: `Notices that pass neither an aligned SPF nor an aligned DKIM check are ${policy === "reject" ? "refused" : "put in spam"}: keep SPF and DKIM right.`,
      record: record.rr,
    };
  if (policy === "none")
    return {
      check: "dmarc",
      status: "info",
      summary: `${domain} has a DMARC policy${where}: none (monitoring only).`,
      detail: "Receivers apply no policy of yours to mail that fails; it counts as published.",
      record: record.rr,
    };
  return {
    check: "dmarc",
    status: "warning",
    summary: `${domain}'s DMARC record${where} has no valid policy (p=${policy || "missing"}).`,
    detail: "Receivers ignore it: give p=none, quarantine or reject.",
    record: record.rr,
  };
}

/**
 * Domains no one can receive trusted mail from, so never looked up: example.com, .net and .org
 * and the .example, .test, .invalid and .localhost names (RFC 2606, RFC 6761), and bare host
 * names such as localhost.
 */
export function isReservedDomain(domain: string): boolean {
  const d = domain.toLowerCase().replace(/\.$/, "");
  if (!d.includes(".")) return true;
  if (/(^|\.)example\.(com|net|org)$/.test(d)) return true;
  return /\.(example|test|invalid|localhost)$/.test(d);
}

/** The one finding for a reserved domain: receivers will not trust it, and DNS is not asked. */
export function reservedDomainFinding(domain: string): DomainFinding {
  return {
    check: "spf",
    status: "warning",
    summary: `${domain} is reserved for examples and tests (RFC 2606, RFC 6761): no receiver trusts mail from it.`,
    detail: "Send from an address at your organisation's own domain.",
    record: null,
  };
}

/** The readiness from its findings, in the order SPF, DKIM, DMARC. */
export function readinessOf(domain: string, findings: DomainFinding[], checkedAt: Date): SenderReadiness {
  return { domain, findings, isReady: findings.every((f) => f.status === "ok" || f.status === "info"), checkedAt };
}
