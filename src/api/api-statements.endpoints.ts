// The rows of the endpoint table (api-endpoints.ts) for the statements to regulators: kept here so
// the table stays one screen per part. Their handlers are in api-statements.handlers.ts, their
// schemas in api-statements.schemas.ts.
import type { z } from "zod/v4";
import type { Deps } from "../deps.js";
import type { ApiEndpoint } from "./api-endpoints.js";
import { createApiStatementHandlers } from "./api-statements.handlers.js";
import * as S from "./api-statements.schemas.js";

type Row = Omit<ApiEndpoint, "tag">;

/** The statements' endpoints under the incident's path; the PDF before the statement, whose :statementId would take "x.pdf". */
export function statementEndpoints(deps: Deps, incident: string): Row[] {
  const h = createApiStatementHandlers(deps);
  const one = `${incident}/statements/:statementId`;
  const read = { method: "get", role: "viewer" } as const;
  const change = { method: "post", role: "manager" } as const;
  const ok = (schema: z.ZodType = S.statement) => ({ status: 200, schema });
  return [
    {
      ...read,
      path: `${incident}/statements`,
      handler: h.list,
      summary: "List the statements to regulators",
      success: ok(S.statementList),
    },
    {
      ...change,
      path: `${incident}/statements`,
      handler: h.create,
      summary: "Draft the statement of a regulator rule from the record (200: it exists, as it is)",
      success: { status: 201, schema: S.statement },
      alsoOk: 200,
      request: S.statementCreateBody,
    },
    {
      ...read,
      path: `${one}.pdf`,
      handler: h.pdf,
      summary: "The statement as a PDF (?version= for an earlier one)",
      success: { status: 200, pdf: true },
    },
    { ...read, path: one, handler: h.show, summary: "Read a statement (?version= for an earlier one)", success: ok() },
    {
      ...change,
      path: one,
      handler: h.save,
      summary: "Save the edited items as the next version",
      success: ok(),
      request: S.statementSaveBody,
      canConflict: true,
    },
    {
      ...change,
      path: `${one}/submit`,
      handler: h.submit,
      summary: "Mark a version submitted; it closes the obligation",
      success: ok(),
      request: S.statementSubmitBody,
      canConflict: true,
    },
  ];
}
