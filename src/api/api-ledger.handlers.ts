import express, { type Request, type Response } from "express";
import { z } from "zod";
import type { Deps } from "../deps.js";
import { AppError } from "../lib/errors.js";
import { loadIncident } from "../modules/incidents/index.js";
import {
  type CoverageScope,
  formatShare,
  loadIncidentCoverage,
  loadPeopleToTell,
  MAX_LETTERS_BYTES,
  recordLettersFile,
  recordPeopleTold,
} from "../modules/ledger/index.js";
import { loadRiskPage, setImportRisk, setPersonRisk } from "../modules/people/index.js";
import { apiActor } from "./api-auth.js";
import { ApiError } from "./api-errors.js";

/** The coverage query: only the people at risk, or of some places (comma-separated codes). */
const coverageQuerySchema = z.object({
  atRisk: z.enum(["true", "false"], { message: "must be true or false" }).optional(),
  places: z
    .string()
    .max(2000)
    .optional()
    .transform((v) =>
      v
        ? v
            .split(",")
            .map((p) => p.trim().toUpperCase())
            .filter(Boolean)
        : [],
    )
    .refine((places) => places.every((p) => /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/.test(p)), {
      message: "must be codes such as AU or AU-NSW, separated by commas",
    }),
});

const lettersQuerySchema = z.object({
  fileName: z.string().max(200).optional(),
  channel: z.string().optional(),
  toldAt: z.string().optional(),
  note: z.string().optional(),
});

/** A query that does not fit its schema: 400 naming the parameter. */
function parseQuery<S extends z.ZodTypeAny>(schema: S, query: unknown): z.infer<S> {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[String(issue.path[0] ?? "query")] ??= issue.message;
  throw new AppError("validation", "A query parameter is wrong.", fields);
}

const iso = (at: Date | null | undefined) => (at ? at.toISOString() : null);

/** The coverage as the API answers it: the counts, the share and its words, and the scope counted. */
export async function coverageBody(deps: Deps, incidentId: string, scope: CoverageScope = {}) {
  const c = await loadIncidentCoverage(deps.db.prisma, incidentId, scope);
  return {
    ...c,
    text: formatShare(c.share, c.isComplete),
    scope: { atRiskOnly: !!scope.atRiskOnly, places: scope.places ?? [] },
  };
}

/** Reads a CSV body into memory, up to the letters' limit (413 past it). */
function readCsvText(req: Request, res: Response): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    express.raw({ type: () => true, limit: MAX_LETTERS_BYTES })(req, res, (error?: unknown) => {
      if (!error) resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      else if ((error as { status?: number }).status === 413) {
        reject(
          new ApiError(413, "payload_too_large", `The file is larger than ${MAX_LETTERS_BYTES / 1024 / 1024} MiB; split it.`),
        );
      } else reject(error);
    });
  });
}

/** Coverage, the people to tell another way and recording them, and who is at risk. */
export function createApiLedgerHandlers(deps: Deps) {
  const { prisma } = deps.db;
  const incidentOf = (req: Request) => loadIncident(prisma, String(req.params.ref));
  return {
    async coverage(req: Request, res: Response) {
      const query = parseQuery(coverageQuerySchema, req.query);
      const incident = await incidentOf(req);
      res.json(await coverageBody(deps, incident.id, { atRiskOnly: query.atRisk === "true", places: query.places }));
    },

    async peopleToTell(req: Request, res: Response) {
      const incident = await incidentOf(req);
      const page = await loadPeopleToTell(deps, incident, req.query);
      res.json({
        data: page.rows.map(({ person: p, latest, suppression, emailProblem, addressLines }) => ({
          id: p.id,
          name: `${p.givenName} ${p.familyName}`.trim(),
          externalId: p.externalId,
          email: p.email,
          reason:
            emailProblem?.code ??
            (latest?.status === "bounced"
              ? "bounced"
              : suppression
                ? "suppressed"
                : latest?.status === "failed"
                  ? "failed"
                  : "excluded"),
          emailAsGiven: emailProblem?.code === "invalid_email" ? emailProblem.given : null,
          postalAddress: addressLines,
          country: p.country,
          region: p.region,
          latestDelivery: latest
            ? {
                id: latest.id,
                campaignId: latest.campaignId,
                status: latest.status,
                smtpCode: latest.smtpCode,
                smtpResponse: latest.smtpResponse,
                exclusionReason: latest.exclusionReason,
                failedAt: iso(latest.failedAt),
              }
            : null,
          suppressedSince: iso(suppression?.createdAt),
        })),
        page: { total: page.total, nextAfter: page.nextAfter },
      });
    },

    async recordTold(req: Request, res: Response) {
      const incident = await incidentOf(req);
      const outcome = await recordPeopleTold(deps, incident, req.body, apiActor(req, res), "api");
      res.status(201).json({ ...outcome, coverage: await coverageBody(deps, incident.id) });
    },

    async recordLetters(req: Request, res: Response) {
      const query = parseQuery(lettersQuerySchema, req.query);
      const incident = await incidentOf(req);
      const bytes = await readCsvText(req, res);
      const file = { fileName: query.fileName || "letters.csv", bytes, isTooLarge: false };
      const outcome = await recordLettersFile(deps, incident, file, query, apiActor(req, res));
      if (outcome.errors.length) {
        const fields = Object.fromEntries(outcome.errors.map((e) => [`line ${e.line}`, e.messages.join(" ")]));
        throw new AppError(
          "validation",
          `Nothing was recorded: ${outcome.errors.length} ${outcome.errors.length === 1 ? "line" : "lines"} of ${outcome.fileName} cannot be used.`,
          fields,
        );
      }
      const { errors: _none, ...rest } = outcome;
      res.status(201).json({
        ...rest,
        already: rest.already.map((a) => ({ ...a, toldAt: a.toldAt.toISOString() })),
        coverage: await coverageBody(deps, incident.id),
      });
    },

    async risk(req: Request, res: Response) {
      const incident = await incidentOf(req);
      const page = await loadRiskPage(deps, incident.reference);
      res.json({
        rule: page.rule.text,
        assessment: page.rule.basis
          ? {
              assessedAt: page.rule.basis.assessedAt.toISOString(),
              seriousHarmLikely: page.rule.basis.seriousHarmLikely,
              categoryIds: page.rule.basis.categoryIds,
            }
          : null,
        counts: page.totals,
        bySetter: page.bySetter.map((s) => ({ setBy: s.setter, label: s.label, counts: s.counts })),
        imports: page.imports.map((i) => ({
          importId: i.id,
          fileName: i.fileName,
          people: i.total,
          choice: i.choice,
          counts: i.counts,
        })),
      });
    },

    async setPersonRisk(req: Request, res: Response) {
      const done = await setPersonRisk(deps, String(req.params.ref), String(req.params.personId), req.body, apiActor(req, res));
      res.json({ personId: done.person.id, isAtRisk: done.person.isAtRisk, setBy: done.person.riskSetBy });
    },

    async setImportRisk(req: Request, res: Response) {
      const done = await setImportRisk(deps, String(req.params.ref), String(req.params.importId), req.body, apiActor(req, res));
      res.json({ importId: String(req.params.importId), fileName: done.fileName, choice: done.choice, people: done.people });
    },
  };
}
