import type { Request, Response } from "express";
import type { Deps } from "../deps.js";
import { parseInput } from "../lib/validation.js";
import { loadIncident } from "../modules/incidents/index.js";
import {
  createStatement,
  createStatementSchema,
  listIncidentStatements,
  loadStatement,
  loadStatementExport,
  markStatementSubmitted,
  saveStatementSchema,
  saveStatementVersion,
  statementJson,
  statementPdfOf,
  submitStatementSchema,
} from "../modules/statements/index.js";
import { apiActor } from "./api-auth.js";

/** The version asked for in ?version=, when it is a whole number. */
const versionOf = (req: Request) => {
  const n = Number(req.query.version);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/** An incident's regulator statements as JSON: list, draft, read, save a version, mark submitted, the PDF. */
export function createApiStatementHandlers(deps: Deps) {
  const ids = (req: Request) => [String(req.params.ref), String(req.params.statementId)] as const;
  return {
    async list(req: Request, res: Response) {
      const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
      const rows = await listIncidentStatements(deps, incident);
      res.json({
        statements: rows.map((r) => ({
          rule: r.ruleId,
          party: r.party,
          id: r.statement?.id ?? null,
          version: r.statement?.version ?? null,
          submittedVersion: r.submittedVersion,
          missing: r.missing,
        })),
      });
    },

    async create(req: Request, res: Response) {
      const input = parseInput(createStatementSchema, req.body);
      const made = await createStatement(deps, String(req.params.ref), input.rule, apiActor(req, res));
      res.status(made.isNew ? 201 : 200).json(statementJson(made));
    },

    async show(req: Request, res: Response) {
      const [ref, id] = ids(req);
      res.json(statementJson(await loadStatement(deps, ref, id, versionOf(req))));
    },

    async save(req: Request, res: Response) {
      const [ref, id] = ids(req);
      const input = parseInput(saveStatementSchema, req.body);
      res.json(statementJson(await saveStatementVersion(deps, ref, id, input, apiActor(req, res))));
    },

    async submit(req: Request, res: Response) {
      const [ref, id] = ids(req);
      const input = parseInput(submitStatementSchema, req.body);
      res.json(statementJson(await markStatementSubmitted(deps, ref, id, input, null, apiActor(req, res))));
    },

    async pdf(req: Request, res: Response) {
      const [ref, id] = ids(req);
      const { exported, stem } = await loadStatementExport(deps, ref, id, versionOf(req));
      res
        .type("application/pdf")
        .attachment(`${stem}.pdf`)
        .send(await statementPdfOf(deps, exported));
    },
  };
}
