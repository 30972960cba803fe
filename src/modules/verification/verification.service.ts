import { DateTime } from "luxon";
import type { Deps } from "../../deps.js";
import { loadOrganisationFor, readPinnedOrganisation } from "../organisation/index.js";
import { publicReportUrlFor } from "../public-report/index.js";
import { findSentNotice } from "./verification.sql.js";
import { formatCode, readCode } from "./verification-code.policy.js";

/**
 * What /verify and the API answer about a code: the same fields whether we sent it or not
 * (null when not), and never anything about the person it was sent to.
 */
export interface VerificationAnswer {
  /** The code as read, in its printed form ("7KQ2-M9XD-4TRP"). */
  code: string;
  /** True when Breachdesk sent (or is sending) a notice with this code. */
  isGenuine: boolean;
  /** The name of the organisation the notice came from, as the campaign pinned it when it started. */
  organisation: string | null;
  /** The incident's reference, which the notice quotes (BD-2026-0007); never its internal title or details. */
  incidentReference: string | null;
  /** The day it was sent, in the incident's time zone (YYYY-MM-DD). */
  sentOn: string | null;
  /** The incident's published public report, when there is one. */
  publicReportUrl: string | null;
}

/** A code that cannot be one (wrong length or characters): said before any lookup, since the format is public. */
export interface MalformedCode {
  code: null;
  message: string;
}

/** An incident id no row has: an unknown code's lookups run with it, so they cost what a known code's do. */
const NO_INCIDENT = "00000000-0000-4000-8000-000000000000";

/**
 * Answers whether a typed code belongs to a notice Breachdesk sent. Known and unknown codes make
 * the same lookups (the notice's one statement, the organisation's two, the public report's one),
 * with no early return,
 * so the time taken says nothing; the answer carries the organisation's name, the incident's
 * reference and the day, never the person's name or address. Writes nothing (no audit entry:
 * the page is public, and a row per lookup would let anyone flood the log).
 */
export async function verifyNoticeCode(deps: Pick<Deps, "db">, typed: string): Promise<VerificationAnswer | MalformedCode> {
  const read = readCode(typed);
  if (!read.isValid) return { code: null, message: read.message };
  const db = deps.db.prisma;
  const found = await findSentNotice(db, read.code);
  const incidentId = found.incidentId ?? NO_INCIDENT;
  const [organisation, publicReportUrl] = await Promise.all([
    loadOrganisationFor(db, incidentId),
    publicReportUrlFor(deps, incidentId),
  ]);
  const isGenuine = found.incidentId !== null;
  const pinnedName = readPinnedOrganisation(found.pinnedOrganisation)?.name.trim() ?? "";
  const sentOn =
    found.sentAt && DateTime.fromJSDate(found.sentAt, { zone: found.timeZone ?? "UTC" }).setZone(found.timeZone ?? "UTC");
  return {
    code: formatCode(read.code),
    isGenuine,
    organisation: isGenuine ? pinnedName || organisation.name.trim() || null : null,
    incidentReference: isGenuine ? found.reference : null,
    sentOn: sentOn && sentOn.isValid ? sentOn.toISODate() : null,
    publicReportUrl: isGenuine ? publicReportUrl : null,
  };
}
