// The one table of the API's endpoints: api.routes.ts mounts each row and api-openapi.ts
// documents each row, so an endpoint cannot be mounted without being described (the OpenAPI
// test also walks the mounted router to catch one added beside the table).
import type { RequestHandler } from "express";
import type { z } from "zod/v4";
import type { Deps } from "../deps.js";
import { peopleApiQuerySchema } from "../modules/people/index.js";
import { incidentListQuerySchema, pageQuerySchema, peopleUploadQuerySchema } from "./api.schemas.js";
import { accountEndpoints } from "./api-account.endpoints.js";
import { createApiCampaignHandlers } from "./api-campaigns.handlers.js";
import type { ApiEndpoint, ApiSuccess } from "./api-endpoint.types.js";
import { createApiEventHandlers } from "./api-events.handlers.js";
import { evidenceEndpoints } from "./api-evidence.endpoints.js";
import { evidencePackEndpoints } from "./api-evidence-pack.endpoints.js";
import { incidentAccessEndpoints } from "./api-incident-access.endpoints.js";
import { createApiIncidentHandlers } from "./api-incidents.handlers.js";
import { ledgerEndpoints } from "./api-ledger.endpoints.js";
import { createApiObligationHandlers } from "./api-obligations.handlers.js";
import * as O from "./api-obligations.schemas.js";
import { createApiOrganisationHandlers } from "./api-organisation.handlers.js";
import * as G from "./api-organisation.schemas.js";
import { createApiPeopleHandlers } from "./api-people.handlers.js";
import { createApiPeopleImportHandlers, type PeopleImportApiOptions } from "./api-people-imports.handlers.js";
import { publicReportEndpoints } from "./api-public-report.endpoints.js";
import { registerEndpoints } from "./api-register.endpoints.js";
import * as Q from "./api-requests.schemas.js";
import * as R from "./api-responses.schemas.js";
import { retentionEndpoints } from "./api-retention.endpoints.js";
import { statementEndpoints } from "./api-statements.endpoints.js";
import { verifyEndpoints } from "./api-verify.endpoints.js";

export type { ApiEndpoint, ApiSuccess } from "./api-endpoint.types.js";

type Row = Omit<ApiEndpoint, "tag">;
type Extra = Partial<Pick<ApiEndpoint, "body" | "request" | "query" | "alsoOk" | "canConflict">>;

const keysOf = (schema: { shape: object }) => Object.keys(schema.shape);
const paged = { names: keysOf(pageQuerySchema), notes: { limit: "1 to 100, default 50", offset: "default 0" } };
const ok = (schema: z.ZodType, status = 200): ApiSuccess => ({ status, schema });
const gone: ApiSuccess = { status: 204 };

/** A GET, open to every role. */
const read = (path: string, handler: RequestHandler, summary: string, success: ApiSuccess, extra: Extra = {}): Row => ({
  method: "get",
  path,
  role: "viewer",
  handler,
  summary,
  success,
  ...extra,
});

/** A POST or DELETE, for managers and administrators. */
const change =
  (method: "post" | "delete") =>
  (path: string, handler: RequestHandler, summary: string, success: ApiSuccess, extra: Extra = {}): Row => ({
    method,
    path,
    role: "manager",
    handler,
    summary,
    success,
    ...extra,
  });
const post = change("post");
const remove = change("delete");

const tagged = (tag: ApiEndpoint["tag"], rows: Row[]): ApiEndpoint[] => rows.map((row) => ({ ...row, tag }));

/** Every endpoint of the API, in the order they are matched. */
export function apiEndpoints(deps: Deps, options: PeopleImportApiOptions = {}): ApiEndpoint[] {
  const incidents = createApiIncidentHandlers(deps);
  const events = createApiEventHandlers(deps);
  const obligations = createApiObligationHandlers(deps);
  const people = createApiPeopleHandlers(deps);
  const imports = createApiPeopleImportHandlers(deps, options);
  const campaigns = createApiCampaignHandlers(deps);
  const organisation = createApiOrganisationHandlers(deps);
  const incident = "/incidents/:ref";
  const obligation = `${incident}/obligations/:rule`;
  const personImport = `${incident}/people/imports/:importId`;
  const campaign = `${incident}/campaigns/:campaignId`;
  const incidentQuery = {
    names: keysOf(incidentListQuerySchema),
    notes: { status: "open (default), all, or one status", overdue: "true: only incidents with an overdue obligation" },
  };
  const peopleQuery = {
    names: keysOf(peopleApiQuerySchema),
    notes: { after: "the cursor: page.nextAfter of the previous page", limit: "1 to 1000, default 100" },
  };
  const uploadQuery = { names: keysOf(peopleUploadQuerySchema), notes: { map: "column=field; repeat it for each column" } };
  const deliveriesQuery = {
    names: ["status", "q", "after"],
    notes: {
      status: "a delivery status, or needs_other_channel",
      q: "an address prefix, part of a name, or a Message-ID",
      after: "the cursor in page.next",
    },
  };
  const move = { canConflict: true };
  const clocks = "Obligations and clocks";
  return [
    ...tagged("Incidents", [
      post("/incidents", incidents.create, "Record a new incident", ok(R.incident, 201), { request: Q.newIncidentBody }),
      read("/incidents", incidents.list, "List incidents", ok(R.incidentList), { query: incidentQuery }),
      read(incident, incidents.show, "Read one incident", ok(R.incident)),
      post(`${incident}/events`, events.create, "Append an event to the timeline", ok(R.timelineEvent, 201), {
        request: Q.newTimelineEventBody,
      }),
      read(`${incident}/events`, events.list, "List the timeline", ok(R.timelineEventList), { query: paged }),
      read(`${incident}/audit`, incidents.audit, "List the audit entries of the incident", ok(R.auditEntryList), {
        query: paged,
      }),
      // Need-to-know (decision 0030): the team and whether the incident is restricted to it.
      ...incidentAccessEndpoints(deps, incident),
    ]),
    ...tagged(clocks, [
      read(`${incident}/obligations`, obligations.list, "List the obligations, deadlines and clock starts", ok(O.obligationList)),
      post(`${incident}/obligations`, obligations.apply, "Apply a rule of the pack", ok(O.obligation, 201), {
        request: O.applyObligationBody,
        canConflict: true,
      }),
      read(obligation, obligations.show, "Read one obligation, by rule id", ok(O.obligation)),
      remove(obligation, obligations.remove, "Remove a rule applied by mistake", gone, move),
      post(
        `${obligation}/status`,
        obligations.setStatus,
        "Record the outcome: met, not required, late or pending",
        ok(O.obligation),
        {
          request: O.obligationStatusBody,
        },
      ),
      post(
        `${obligation}/delays`,
        obligations.recordDelay,
        "Record a delay, Attorney General determination, extension granted or delay lifted",
        ok(O.obligation, 201),
        { request: O.obligationDelayBody },
      ),
      read(`${incident}/clock-events`, obligations.clockEvents, "List the events that drive the clocks", ok(O.clockEventList)),
      post(
        `${incident}/clock-events`,
        obligations.recordClockEvent,
        "Record (201) or move (200) a clock event",
        ok(O.clockEventRecorded, 201),
        {
          request: O.clockEventBody,
          alsoOk: 200,
        },
      ),
    ]),
    // The import paths and /summary come before /people/:personId, so neither is taken for a person's id.
    ...tagged("People", [
      post(
        `${incident}/people/imports`,
        imports.upload,
        "Upload a CSV file of people and start it (201: start=false)",
        ok(R.personImport, 202),
        {
          body: "csv",
          query: uploadQuery,
          alsoOk: 201,
          canConflict: true,
        },
      ),
      read(`${incident}/people/imports`, imports.list, "List the recent imports", ok(R.personImportList)),
      read(personImport, imports.show, "Read one import", ok(R.personImport)),
      post(`${personImport}/start`, imports.start, "Start an uploaded import", ok(R.personImport, 202), {
        request: Q.importStartBody,
        canConflict: true,
      }),
      read(`${personImport}/errors.csv`, imports.errors, "Download the import's error report", { status: 200, csv: true }),
      post(
        `${personImport}/rejected`,
        imports.resolveRejected,
        "Record what became of the rejected rows: imported by a later import, or dismissed with a note",
        ok(R.personImport),
        { request: Q.rejectedRowsBody, canConflict: true },
      ),
      read(`${incident}/people`, people.list, "List the affected people, filtered", ok(R.personList), { query: peopleQuery }),
      read(
        `${incident}/people/summary`,
        people.summary,
        "Count the people by risk, e-mail, category and place",
        ok(R.peopleSummary),
      ),
      read(`${incident}/people/:personId`, people.show, "Read one person", ok(R.person)),
      remove(`${incident}/people/:personId`, people.remove, "Delete one person (409 while an import runs)", gone, move),
      // Who is at risk, coverage and the people to tell another way (modules/people, modules/ledger).
      ...ledgerEndpoints(deps, { incident, personImport }),
    ]),
    ...tagged("Campaigns", [
      post(`${incident}/campaigns`, campaigns.create, "Create a draft campaign", ok(R.campaign, 201), {
        request: Q.newCampaignBody,
      }),
      read(`${incident}/campaigns`, campaigns.list, "List the campaigns with their counts", ok(R.campaignList)),
      read(campaign, campaigns.show, "Read one campaign", ok(R.campaign)),
      post(`${campaign}/approve`, campaigns.approve, "Approve it (a manager other than its creator)", ok(R.campaign), {
        body: "none",
        ...move,
      }),
      post(
        `${campaign}/start`,
        campaigns.start,
        "Start sending now, or at scheduledAt (409 statement_mismatch: the notice differs from an Australian statement; override.reason starts it anyway)",
        ok(R.campaign),
        {
          request: Q.campaignStartBody,
          ...move,
        },
      ),
      post(`${campaign}/pause`, campaigns.pause, "Pause sending", ok(R.campaign), { request: Q.campaignPauseBody, ...move }),
      post(`${campaign}/resume`, campaigns.resume, "Resume a paused campaign", ok(R.campaign), { body: "none", ...move }),
      post(`${campaign}/cancel`, campaigns.cancel, "Cancel it; what was sent stays sent", ok(R.campaign), {
        body: "none",
        ...move,
      }),
      post(`${campaign}/retry-failed`, campaigns.retryFailed, "Queue its failed notices again", ok(R.campaign), {
        body: "none",
        ...move,
      }),
      read(`${campaign}/deliveries`, campaigns.deliveries, "Page through its deliveries", ok(R.deliveryList), {
        query: deliveriesQuery,
      }),
    ]),
    // Who the notices come from (modules/organisation): the profile is an administrator's to set.
    ...tagged("Organisation", [
      read(
        "/organisation",
        organisation.show,
        "Read the organisation's profile, sender and sender domain check",
        ok(G.organisation),
      ),
      {
        ...post("/organisation", organisation.save, "Set the organisation's profile (administrators)", ok(G.organisation), {
          request: G.organisationBody,
        }),
        role: "admin",
      },
      read(
        "/organisation/applicability",
        organisation.showApplicability,
        "Read who the law reaches: where the organisation is established, its entity types, turnover, offers to the EU/UK",
        ok(G.applicability),
      ),
      {
        ...post(
          "/organisation/applicability",
          organisation.saveApplicability,
          "Set who the law reaches (administrators)",
          ok(G.applicability),
          { request: G.applicabilityBody },
        ),
        role: "admin",
      },
      read(
        `${incident}/organisation`,
        organisation.showIncident,
        "Read the incident's own sender and contact point",
        ok(G.incidentOrganisation),
      ),
      post(
        `${incident}/organisation`,
        organisation.saveIncident,
        "Set the incident's own sender and contact point",
        ok(G.incidentOrganisation),
        {
          request: G.incidentOrganisationBody,
        },
      ),
    ]),
    // Statements to regulators (modules/statements): drafted from the record, versioned, submitted.
    ...tagged("Statements", statementEndpoints(deps, incident)),
    // The public report (modules/public-report): a draft, each publication a version, read without signing in at its address.
    ...tagged("Public report", publicReportEndpoints(deps, incident)),
    // Evidence files (modules/evidence): streamed to storage with their SHA-256, never changed; the evidence pack.
    ...tagged("Evidence", [
      ...evidenceEndpoints(deps, incident),
      ...evidencePackEndpoints(deps, incident),
      ...retentionEndpoints(deps, incident),
    ]),
    // The breach register (modules/register): every incident with its decision and notifications.
    ...tagged("Register", registerEndpoints(deps)),
    // Is this notice genuine? (modules/verification): open to anyone, rate limited per client.
    ...tagged("Verification", verifyEndpoints(deps)),
    ...tagged("Account", accountEndpoints(deps)),
  ];
}
