// The shape of one row of the API's endpoint table (api-endpoints.ts): what api.routes.ts mounts
// and api-openapi.ts documents.
import type { RequestHandler } from "express";
import type { z } from "zod/v4";
import type { Role } from "../modules/users/index.js";

/** What an endpoint answers on success: a JSON schema, a CSV file, a PDF, or nothing (204). */
export type ApiSuccess =
  | { status: number; schema: z.ZodType }
  | { status: number; csv: true }
  | { status: number; pdf: true }
  | { status: number; file: true }
  | { status: 204 };

/** One API endpoint: its path under /api/v1, who may call it, what it reads and what it answers. */
export interface ApiEndpoint {
  method: "get" | "post" | "delete";
  path: string;
  /** The least role of the token's owner. */
  role: Role;
  /** Open to anyone, without a token (mounted before the token check; rate limited by its handler): role is then unused. */
  isPublic?: boolean;
  /**
   * What a POST's body is: a JSON object (the default), a CSV file streamed to disk by the
   * handler, a multipart form with a file the handler streams to storage, or nothing (an action
   * such as approve: any body is ignored).
   */
  body?: "json" | "csv" | "multipart" | "none";
  handler: RequestHandler;
  summary: string;
  tag:
    | "Incidents"
    | "Obligations and clocks"
    | "People"
    | "Campaigns"
    | "Organisation"
    | "Statements"
    | "Evidence"
    | "Public report"
    | "Register"
    | "Verification"
    | "Account";
  /** The JSON body's schema (for body "json"). */
  request?: z.ZodType;
  /** The query parameters: the keys of the schema that reads them, with a line each where it helps. */
  query?: { names: string[]; notes?: Record<string, string> };
  success: ApiSuccess;
  /** Another success status with the same body (e.g. 200 when a clock event is moved, not recorded). */
  alsoOk?: number;
  /** Answers with 409 when the state does not allow the change. */
  canConflict?: boolean;
}
