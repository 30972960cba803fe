// The rows of the endpoint table (api-endpoints.ts) for who is at risk, coverage and the people to
// tell another way: kept here so the table stays one screen per part. Their handlers are in
// api-ledger.handlers.ts, their schemas in api-ledger.schemas.ts.
import type { Deps } from "../deps.js";
import type { ApiEndpoint } from "./api-endpoints.js";
import { createApiLedgerHandlers } from "./api-ledger.handlers.js";
import * as L from "./api-ledger.schemas.js";

type Row = Omit<ApiEndpoint, "tag">;

/** The risk, coverage and people-to-tell endpoints, under the incident's and an import's paths. */
export function ledgerEndpoints(deps: Deps, paths: { incident: string; personImport: string }): Row[] {
  const ledger = createApiLedgerHandlers(deps);
  const { incident, personImport } = paths;
  const setRisk = { request: L.riskChoiceBody };
  return [
    {
      method: "post",
      path: `${personImport}/risk`,
      role: "manager",
      handler: ledger.setImportRisk,
      summary: "Set the risk of an import's people, or give them back to the rule",
      success: { status: 200, schema: L.importRisk },
      ...setRisk,
      canConflict: true,
    },
    {
      method: "post",
      path: `${incident}/people/:personId/risk`,
      role: "manager",
      handler: ledger.setPersonRisk,
      summary: "Set one person's risk, or give it back to the rule",
      success: { status: 200, schema: L.personRisk },
      ...setRisk,
    },
    {
      method: "get",
      path: `${incident}/risk`,
      role: "viewer",
      handler: ledger.risk,
      summary: "Read the risk rule in words and who is at risk, by who set it",
      success: { status: 200, schema: L.riskSummary },
    },
    {
      method: "get",
      path: `${incident}/coverage`,
      role: "viewer",
      handler: ledger.coverage,
      summary: "Read the coverage of the affected people (never complete while rows wait)",
      success: { status: 200, schema: L.coverage },
      query: {
        names: ["atRisk", "places"],
        notes: { atRisk: "true: only the people at risk", places: "codes such as AU,AU-NSW" },
      },
    },
    {
      method: "get",
      path: `${incident}/people-to-tell`,
      role: "viewer",
      handler: ledger.peopleToTell,
      summary: "List the people to tell another way, with why",
      success: { status: 200, schema: L.peopleToTellList },
      query: {
        names: ["reason", "country", "region", "campaign", "q", "after"],
        notes: {
          reason: "no_email, invalid_email, bounced or failed",
          after: "the cursor: page.nextAfter of the previous page",
        },
      },
    },
    {
      method: "post",
      path: `${incident}/people-to-tell/told`,
      role: "manager",
      handler: ledger.recordTold,
      summary: "Record people told another way: those named, or all the filter matches",
      success: { status: 201, schema: L.toldOutcome },
      request: L.toldBody,
      canConflict: true,
    },
    {
      method: "post",
      path: `${incident}/people-to-tell/letters`,
      role: "manager",
      handler: ledger.recordLetters,
      summary: "Record a CSV file of letters sent (all lines or none)",
      success: { status: 201, schema: L.lettersOutcome },
      body: "csv",
      query: {
        names: ["fileName", "channel", "toldAt", "note"],
        notes: { channel: "for lines without one: letter, phone, public_statement, other" },
      },
      canConflict: true,
    },
  ];
}
