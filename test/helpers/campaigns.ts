import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { SMTPServer } from "smtp-server";
import type { Database } from "../../src/db/client.js";
import { newId } from "../../src/lib/ids.js";
import type { Mailer } from "../../src/mail/mailer.js";
import {
  type CampaignInput,
  createCampaign,
  createCampaignSender,
  type DeliverySender,
  noticeRendering,
  type SenderSettings,
  sendCampaignNow,
} from "../../src/modules/campaigns/index.js";
import { defaultHeadings, type SectionKey, sectionKeys, serializeContent } from "../../src/modules/notices/index.js";
import type { TestApp } from "./app.js";
import { addIncident } from "./incidents.js";
import { ensureOrganisationSender } from "./organisation.js";

/** The words of a notice version in tests: every section says something, the subject greets the person. */
export function noticeSections(language: string) {
  const sections = Object.fromEntries(
    sectionKeys.map((key) => [key, `${language}: ${key} of {{incident_reference}}.`]),
  ) as Record<SectionKey, string>;
  sections.whoWeAre = `${language}: We are Example Org. Dear {{first_name}}, we write about {{incident_reference}}.`;
  return serializeContent({
    sections,
    headings: defaultHeadings(),
    details: { organisation: "Example Org", contactEmail: "privacy@example.org", contactPhone: "+61 2 5550 0000" },
    checkedItems: [],
  });
}

/**
 * A notice template of the incident with one saved version per language (straight into the
 * tables, as the notices module saves them), and e-mail addresses recorded as the incident's
 * data (a notice lists the person's categories); returns the template's and the versions' ids.
 */
export async function addNoticeTemplate(db: Database, incidentId: string, languages: string[] = ["en"], fallback = "en") {
  const now = new Date("2026-03-01T00:00:00Z");
  // A campaign does not start without the organisation's sender: the tests' notices come from Example Org.
  await ensureOrganisationSender(db);
  await db.prisma.incidentDataCategory.upsert({
    where: { incidentId_categoryId: { incidentId, categoryId: "email_address" } },
    create: { incidentId, categoryId: "email_address", details: "", createdAt: now, updatedAt: now },
    update: {},
  });
  const templateId = newId();
  await db.prisma.noticeTemplate.create({
    data: {
      id: templateId,
      incidentId,
      name: "Notice to affected people",
      fallbackLanguage: fallback,
      createdAt: now,
      updatedAt: now,
    },
  });
  const versionIds: Record<string, string> = {};
  for (const language of languages) {
    const id = newId();
    versionIds[language] = id;
    await db.prisma.noticeTemplateVersion.create({
      data: {
        id,
        templateId,
        incidentId,
        language,
        version: 1,
        subject: `${language}: About {{incident_reference}}, {{first_name}}`,
        sections: noticeSections(language),
        createdAt: now,
      },
    });
  }
  return { templateId, versionIds };
}

export interface TestPerson {
  email?: string | null;
  givenName?: string;
  familyName?: string;
  language?: string | null;
  country?: string | null;
  region?: string | null;
  isAtRisk?: boolean | null;
}

/**
 * Adds people to an incident in batches; person i gets `person<i>@example.org`, a name, English
 * and Australia (NSW) unless `shape(i)` says otherwise. Returns their ids in order.
 */
export async function addPeople(db: Database, incidentId: string, count: number, shape: (i: number) => TestPerson = () => ({})) {
  const now = new Date("2026-03-01T00:00:00Z");
  const ids: string[] = [];
  for (let from = 0; from < count; from += 2000) {
    const rows = [];
    for (let i = from; i < Math.min(count, from + 2000); i++) {
      const p = shape(i);
      const email = p.email === undefined ? `person${i}@example.org` : p.email;
      const id = newId();
      ids.push(id);
      rows.push({
        id,
        incidentId,
        uniqueKey: `key-${i}`,
        givenName: p.givenName ?? `Given${i}`,
        familyName: p.familyName ?? `Family${i}`,
        email,
        emailNormalized: email ? email.toLowerCase() : null,
        language: p.language === undefined ? "en" : p.language,
        country: p.country === undefined ? "AU" : p.country,
        region: p.region === undefined ? "AU-NSW" : p.region,
        isAtRisk: p.isAtRisk === undefined ? null : p.isAtRisk,
        createdAt: now,
        updatedAt: now,
      });
    }
    await db.prisma.person.createMany({ data: rows });
  }
  return ids;
}

/**
 * A TCP proxy in front of an SMTP server, to play a network that fails: `drop` closes both
 * sides of a connection after it has carried a set number of bytes from the client (mid-message),
 * and `goDown`/`comeBack` stop and restart listening on the same port (connections refused).
 */
export interface FlakyProxy {
  url: string;
  port: number;
  /** Connections cut so far. */
  cut: number;
  goDown(): Promise<void>;
  comeBack(): Promise<void>;
  close(): Promise<void>;
}

export async function startFlakyProxy(
  targetPort: number,
  options: { cutAfterBytes?: (connection: number) => number | null } = {},
) {
  const sockets = new Set<Socket>();
  let connections = 0;
  let server: Server;
  const proxy: FlakyProxy = {
    url: "",
    port: 0,
    cut: 0,
    goDown: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
    comeBack: () => listen(proxy.port),
    close: () => proxy.goDown(),
  };
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const limit = options.cutAfterBytes?.(connections++) ?? null;
        const upstream = createConnectionTo(targetPort);
        sockets.add(client);
        sockets.add(upstream);
        let carried = 0;
        const cutBoth = () => {
          proxy.cut += 1;
          client.destroy();
          upstream.destroy();
        };
        client.on("data", (chunk: Buffer) => {
          carried += chunk.length;
          if (limit !== null && carried >= limit) return cutBoth();
          upstream.write(chunk);
        });
        upstream.on("data", (chunk: Buffer) => client.write(chunk));
        for (const socket of [client, upstream]) {
          socket.on("error", () => undefined);
          socket.on("close", () => {
            sockets.delete(socket);
            client.destroy();
            upstream.destroy();
          });
        }
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        proxy.port = typeof address === "object" && address ? address.port : port;
        proxy.url = `smtp://127.0.0.1:${proxy.port}`;
        resolve();
      });
    });
  await listen(0);
  return proxy;
}

function createConnectionTo(port: number): Socket {
  return connect(port, "127.0.0.1");
}

/** One message a notice sink received. */
export interface NoticeSinkMessage {
  to: string[];
  messageId: string;
  subject: string;
  /** The Content-Transfer-Encoding of each of its parts, in order. */
  encodings: string[];
}

export interface NoticeSink {
  url: string;
  port: number;
  messages: NoticeSinkMessage[];
  /** How many times each recipient was answered with a refusal (4xx or 5xx). */
  refusals: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 for notices: keeps each message's recipients, Message-ID and
 * subject (not the body: thousands of messages), and answers RCPT TO as `answer` says: null
 * accepts, { code, message } refuses with that reply (4xx: try later; 5xx: never).
 */
export async function startNoticeSink(
  options: { answer?: (address: string, tries: number) => { code: number; message: string } | null } = {},
): Promise<NoticeSink> {
  const messages: NoticeSinkMessage[] = [];
  const refusals = new Map<string, number>();
  const tries = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 200,
    onRcptTo(address, _session, callback) {
      const count = (tries.get(address.address) ?? 0) + 1;
      tries.set(address.address, count);
      const refusal = options.answer?.(address.address, count) ?? null;
      if (!refusal) return callback();
      refusals.set(address.address, (refusals.get(address.address) ?? 0) + 1);
      return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const head = raw.slice(0, raw.indexOf("\r\n\r\n")).replace(/\r\n(?=[ \t])/g, "");
        const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, "im").exec(head)?.[1]?.trim() ?? "";
        messages.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          messageId: header("Message-ID"),
          subject: header("Subject"),
          encodings: [...raw.matchAll(/^Content-Transfer-Encoding:\s*(\S+)/gim)].map((m) => m[1]!.toLowerCase()),
        });
        callback(null, "2.0.0 OK: queued");
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  // A client killed mid-message resets its connection: that is what some tests do.
  server.on("error", () => undefined);
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    refusals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A small deterministic pseudo-random generator (mulberry32), so "random" failures repeat run to run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A manager acting in tests. */
export const testManager = { userId: null, label: "test", ip: null };

/** The new-campaign form as a manager fills it for all of the incident's people, sent now, changed by `fields`. */
export function campaignInput(templateId: string, fields: Partial<CampaignInput> = {}): CampaignInput {
  return {
    name: "Notice",
    templateId,
    when: "now",
    scheduledAt: "",
    isApprovalRequired: false,
    atRiskOnly: false,
    places: [],
    notYetNotified: false,
    failedBefore: false,
    ...fields,
  };
}

/** A draft campaign to all of the incident's people with the template's latest versions, sent now when started. */
export async function createTestCampaign(t: TestApp, reference: string, templateId: string) {
  const deps = { ...t.deps, rendering: noticeRendering };
  const { campaign } = await createCampaign(deps, reference, campaignInput(templateId), testManager);
  return { campaign, deps };
}

/**
 * An incident with `count` people and an English notice, and a campaign to all of them started
 * now (deliveries written); returns the incident and the started campaign.
 */
export async function startTestCampaign(t: TestApp, count: number, shape?: (i: number) => TestPerson) {
  const incident = await addIncident(t);
  const template = await addNoticeTemplate(t.db, incident.id);
  await addPeople(t.db, incident.id, count, shape);
  const { campaign, deps } = await createTestCampaign(t, incident.reference, template.templateId);
  await sendCampaignNow(deps, incident.reference, campaign.id, testManager);
  return { incident, campaign, deps };
}

/** A campaign sender of the test app sending through `mailer`, with no rate limit unless settings say. */
export function testSender(t: TestApp, mailer: Mailer, settings: Partial<SenderSettings> = {}, workerId = "test-worker") {
  return createCampaignSender({
    config: t.deps.config,
    db: t.db,
    mailer,
    clock: t.clock,
    logger: t.deps.logger,
    workerId,
    rendering: noticeRendering,
    settings: { rate: { perSecond: 0, perHour: 0 }, ...settings },
  });
}

/**
 * Runs the sender until the campaign is no longer sending: claim after claim, and when nothing
 * is due, moves the test clock to the next retry of a queued notice. Returns the rounds run.
 */
export async function runUntilSettled(t: TestApp, sender: DeliverySender, campaignId: string, maxRounds = 500): Promise<number> {
  for (let round = 1; round <= maxRounds; round++) {
    if ((await sender.runOnce()) > 0) continue;
    const campaign = await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaignId } });
    if (campaign.status !== "sending") return round;
    const next = await t.db.prisma.delivery.aggregate({
      where: { campaignId, status: "queued" },
      _min: { nextAttemptAt: true },
    });
    const at = next._min.nextAttemptAt;
    if (at && at.getTime() > t.clock.now().getTime()) t.clock.set(at);
  }
  throw new Error(`the campaign ${campaignId} was still sending after ${maxRounds} rounds`);
}

/**
 * The tally the database keeps (delivery_tally, decision 0039) against a count of the deliveries
 * themselves: both as "campaign incident channel status: deliveries/repeats" lines, sorted, without the
 * tally's emptied rows. Equal lists are a true tally.
 */
export async function tallyAgainstCount(db: Database) {
  const counted = await db.prisma.$queryRaw<
    { c: string; i: string; ch: string; s: string; n: number | bigint; r: number | bigint }[]
  >`
    SELECT "campaign_id" AS "c", "incident_id" AS "i", "channel" AS "ch", "status" AS "s", COUNT(*) AS "n",
           SUM(CASE WHEN "reclaims" > 0 THEN 1 ELSE 0 END) AS "r"
    FROM "delivery" GROUP BY "campaign_id", "incident_id", "channel", "status"`;
  const tallied = await db.prisma.deliveryTally.findMany({
    where: { OR: [{ deliveries: { not: 0 } }, { repeats: { not: 0 } }] },
  });
  const line = (c: string, i: string, ch: string, s: string, n: number, r: number) => `${c} ${i} ${ch} ${s}: ${n}/${r}`;
  return {
    counted: counted.map((g) => line(g.c, g.i, g.ch, g.s, Number(g.n), Number(g.r))).sort(),
    tallied: tallied.map((g) => line(g.campaignId, g.incidentId, g.channel, g.status, g.deliveries, g.repeats)).sort(),
  };
}
