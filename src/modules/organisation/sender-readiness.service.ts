/**
 * The sender domain check: SPF, DKIM and DMARC looked up in DNS (node:dns's Resolver, pointed at
 * DNS_SERVERS when set), read by sender-domain.policy.ts. SPF is evaluated by mailauth when the
 * relay is named by its IP address, and its includes followed when it is named by include:;
 * the DMARC record is found by mailauth (the domain's, else its organisational domain's). The
 * whole check ends within its timeout: a dead DNS server makes its findings "could not check",
 * never a hanging page. It warns only: nothing here stops a campaign.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import type { Config } from "../../config/config.js";
import { dkimSigningOf } from "../../mail/dkim.js";
import { getDmarcRecord } from "./dmarc-record.client.js";
import {
  type DkimSetting,
  type DmarcRecord,
  dkimFinding,
  dmarcFinding,
  isReservedDomain,
  type RelayVerdict,
  readinessOf,
  reservedDomainFinding,
  type SenderReadiness,
  spfFinding,
  spfRecordsOf,
  spfReferences,
  type TxtAnswer,
  txtAnswerOf,
} from "./sender-domain.policy.js";

export type { SenderReadiness };

/** How long the whole check may take before what is still unanswered reads "could not check". */
export const CHECK_TIMEOUT_MS = 3000;
/** SPF allows ten lookups (RFC 7208 4.6.4); the include walk stops there. */
const SPF_LOOKUP_LIMIT = 10;

export interface DomainCheckOptions {
  domain: string;
  dkim: DkimSetting | null;
  /** MAIL_RELAY_SPF: include:<domain> or an IP address. */
  relay: string | null;
  /** DNS servers (DNS_SERVERS); the system's when empty. */
  servers?: string[];
  timeoutMs?: number;
  now?: () => Date;
}

type Lookup = (name: string, type: string) => Promise<unknown>;

/** Runs the three checks against DNS, together, each ending by the deadline. */
export async function checkSenderDomain(options: DomainCheckOptions): Promise<SenderReadiness> {
  const timeoutMs = options.timeoutMs ?? CHECK_TIMEOUT_MS;
  const resolver = new Resolver({ timeout: Math.max(200, Math.floor(timeoutMs / 2)), tries: 2 });
  if (options.servers?.length) resolver.setServers(options.servers);
  const lookup: Lookup = (name, type) => resolver.resolve(name, type);
  const txt = async (name: string): Promise<TxtAnswer> => {
    try {
      return txtAnswerOf({ records: (await lookup(name, "TXT")) as string[][] });
    } catch (error) {
      return txtAnswerOf({ error });
    }
  };
  const domain = options.domain.toLowerCase();
  if (isReservedDomain(domain)) return readinessOf(domain, [reservedDomainFinding(domain)], options.now?.() ?? new Date());
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const noAnswer: TxtAnswer = { kind: "no_answer", reason: `DNS did not answer within ${timeoutMs / 1000} s` };
  const within = async <T>(work: Promise<T>, late: T): Promise<T> => {
    const result = await Promise.race([work, deadline]);
    return result === "timeout" ? late : (result as T);
  };
  try {
    const [spfAnswer, verdict, dkimAnswer, dmarc] = await Promise.all([
      within(txt(domain), noAnswer),
      options.relay
        ? within(relayVerdict(lookup, domain, options.relay), { kind: "unknown", reason: noAnswer.reason } as RelayVerdict)
        : null,
      options.dkim ? within(txt(`${options.dkim.selector}._domainkey.${options.dkim.domain}`), noAnswer) : null,
      within(dmarcRecordOf(lookup, domain), { noAnswer: noAnswer.reason } as DmarcRecord | false | { noAnswer: string }),
    ]);
    return readinessOf(
      domain,
      [
        spfFinding(domain, spfAnswer, options.relay, verdict),
        dkimFinding(domain, options.dkim, dkimAnswer),
        dmarcFinding(domain, dmarc),
      ],
      options.now?.() ?? new Date(),
    );
  } finally {
    clearTimeout(timer);
    // Queries still out after the deadline are dropped, so nothing waits on a dead server.
    resolver.cancel();
  }
}

/**
 * Whether the domain's SPF lets the relay send: an IP address is evaluated by mailauth's SPF
 * (pass: included); include:<domain> is looked for in the record and the records it includes or
 * redirects to, up to SPF's ten lookups.
 */
async function relayVerdict(lookup: Lookup, domain: string, relay: string): Promise<RelayVerdict> {
  if (isIP(relay)) {
    // Loaded when first asked: mailauth is some 17 MB of a process that may never check a domain.
    const { spf } = await import("mailauth/lib/spf/index.js");
    const result = await spf({
      ip: relay,
      sender: `postmaster@${domain}`,
      helo: domain,
      mta: "breachdesk-sender-check",
      resolver: lookup as never,
    });
    const outcome = result.status.result;
    if (outcome === "pass") return { kind: "included" };
    if (outcome === "temperror") return { kind: "unknown", reason: "DNS failed during the SPF evaluation" };
    return { kind: "not_included" };
  }
  const wanted = relay
    .replace(/^include:/i, "")
    .toLowerCase()
    .replace(/\.$/, "");
  const queue = [domain];
  const seen = new Set<string>();
  while (queue.length && seen.size < SPF_LOOKUP_LIMIT) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    let records: string[][];
    try {
      records = (await lookup(name, "TXT")) as string[][];
    } catch (error) {
      const answer = txtAnswerOf({ error });
      if (answer.kind === "no_answer") return { kind: "unknown", reason: answer.reason };
      continue;
    }
    for (const record of spfRecordsOf(records.map((parts) => parts.join("")))) {
      const { includes, redirect } = spfReferences(record);
      if (includes.includes(wanted)) return { kind: "included" };
      queue.push(...includes, ...(redirect ? [redirect] : []));
    }
  }
  return { kind: "not_included" };
}

async function dmarcRecordOf(lookup: Lookup, domain: string): Promise<DmarcRecord | false | { noAnswer: string }> {
  try {
    return (await getDmarcRecord(domain, lookup)) as DmarcRecord | false;
  } catch (error) {
    const answer = txtAnswerOf({ error });
    return answer.kind === "no_answer" ? { noAnswer: answer.reason } : false;
  }
}

/**
 * The p= values a published key may have for the private key Breachdesk signs with: RSA as
 * SubjectPublicKeyInfo (what everyone publishes) or as the bare RSAPublicKey; Ed25519 as its 32
 * raw bytes (RFC 8463).
 */
export function publicKeyForms(privateKeyPem: string): string[] {
  const publicKey = createPublicKey(createPrivateKey(privateKeyPem));
  const spki = publicKey.export({ type: "spki", format: "der" });
  if (publicKey.asymmetricKeyType === "ed25519") return [spki.subarray(spki.length - 32).toString("base64")];
  return [spki.toString("base64"), publicKey.export({ type: "pkcs1", format: "der" }).toString("base64")];
}

/** Kept answers: the start page and the profile page check at most once a minute per domain. */
const kept = new Map<string, { readiness: SenderReadiness; atMs: number }>();
const KEPT_MS = 60_000;

/**
 * The readiness of a sender address's domain under the settings (DKIM_*, MAIL_RELAY_SPF,
 * DNS_SERVERS), answered from a copy up to a minute old.
 */
export async function checkSenderReadiness(
  config: Pick<Config, "DKIM_DOMAIN" | "DKIM_SELECTOR" | "DKIM_PRIVATE_KEY_PATH" | "MAIL_RELAY_SPF" | "DNS_SERVERS">,
  senderAddress: string,
  options: { timeoutMs?: number; fresh?: boolean } = {},
): Promise<SenderReadiness> {
  const domain = senderAddress.slice(senderAddress.lastIndexOf("@") + 1).toLowerCase();
  const signing = dkimSigningOf(config);
  const dkim = signing
    ? { domain: signing.domainName, selector: signing.keySelector, publicKeys: publicKeyForms(signing.privateKey) }
    : null;
  const key = JSON.stringify([domain, dkim?.domain, dkim?.selector, config.MAIL_RELAY_SPF, config.DNS_SERVERS]);
  const found = kept.get(key);
  if (found && !options.fresh && performance.now() - found.atMs < KEPT_MS) return found.readiness;
  const readiness = await checkSenderDomain({
    domain,
    dkim,
    relay: config.MAIL_RELAY_SPF ?? null,
    servers: config.DNS_SERVERS ?? [],
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  kept.set(key, { readiness, atMs: performance.now() });
  if (kept.size > 100) kept.delete(kept.keys().next().value!);
  return readiness;
}
