import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { loadOverviewFacts, loadRegulatorObligations, workspacePages } from "../../incident-sections.js";
import { AppError } from "../../lib/errors.js";
import { currentUser } from "../../web/access.js";
import { type IncidentSection, type WorkspacePage, workspacePath } from "../../web/incident-section.js";
import { loadIncidentAuditPage } from "../audit/index.js";
import { computeNextSteps } from "../workspace/index.js";
import { statusLabels } from "./incident-lifecycle.policy.js";
import { describeProposal } from "./incident-status-proposal.service.js";
import { severityLabels } from "./incidents.schemas.js";
import { loadIncident, loadIncidentPageDetails, loadTransitionChoices } from "./incidents.service.js";

const AUDIT_PAGE_SIZE = 50;

type Incident = Parameters<IncidentSection["load"]>[1];
type User = Parameters<IncidentSection["load"]>[2];

function pageOf(slug: string): WorkspacePage {
  const page = workspacePages.find((p) => p.slug === slug);
  if (!page) throw new Error(`no workspace page "${slug}" in incident-sections.ts`);
  return page;
}

/**
 * The pages of the incident workspace (views/incidents/workspace): the overview with the next
 * steps, a page per group of sections (incident-sections.ts), the regulators page and the
 * evidence page. Each is a URL of its own; the forms on them post to their modules' routes,
 * whose redirects come back to the page (workspaceRedirects in incidents.routes.ts).
 */
export function createWorkspaceHandlers(deps: Deps) {
  /** What every page of the workspace shows: the incident's header and the tabs. */
  async function frame(req: Request, res: Response, slug: string) {
    const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
    const viewer = currentUser(res);
    if (!viewer) throw new AppError("unauthenticated", "Sign in to continue.");
    const page = pageOf(slug);
    const { owner } = await loadIncidentPageDetails(deps, incident);
    return {
      incident,
      viewer,
      page,
      locals: {
        title: `${page.slug ? `${page.label} · ` : ""}${incident.reference}: ${incident.title}`,
        incident,
        owner,
        viewer,
        page,
        pages: workspacePages.map((p) => ({ ...p, href: workspacePath(incident.reference, p.slug) })),
        statusLabels,
        severityLabels,
      },
    };
  }

  async function overviewLocals(incident: Incident, viewer: User) {
    // Only the moves that can succeed get a button; the others are listed with why (issue 13).
    const { offered: transitions, blocked } = await loadTransitionChoices(deps.db.prisma, incident);
    const { facts, deadlines } = await loadOverviewFacts(deps, incident, viewer);
    const steps = computeNextSteps(
      { ...facts, nextStatuses: transitions.map((t) => t.to) },
      workspacePath(incident.reference, ""),
    );
    return {
      steps,
      outstanding: deadlines.filter((d) => d.isOutstanding),
      transitions,
      blockedTransitions: blocked,
      proposal: describeProposal(incident),
      transitionValues: {},
      fieldErrors: {},
    };
  }

  return {
    /** /incidents/:ref: where the incident stands, what to do next, its key instants and status. */
    async overview(req: Request, res: Response) {
      const { incident, viewer, locals } = await frame(req, res, "");
      res.render("incidents/show", { ...locals, ...(await overviewLocals(incident, viewer)) });
    },

    /** A page of sections: /incidents/:ref/<slug>. */
    page(slug: string) {
      return async (req: Request, res: Response) => {
        const { incident, viewer, page, locals } = await frame(req, res, slug);
        const sections = await Promise.all(
          page.sections.map(async (section) => ({ ...section, data: await section.load(deps, incident, viewer) })),
        );
        res.render("incidents/workspace/page", { ...locals, sections });
      };
    },

    /** /incidents/:ref/regulators: the statements to the regulators, and the obligations to tell them and the public. */
    async regulators(req: Request, res: Response) {
      const { incident, viewer, page, locals } = await frame(req, res, "regulators");
      const [obligations, sections] = await Promise.all([
        loadRegulatorObligations(deps, incident, viewer),
        Promise.all(page.sections.map(async (section) => ({ ...section, data: await section.load(deps, incident, viewer) }))),
      ]);
      res.render("incidents/workspace/regulators", { ...locals, obligations, sections });
    },

    /** /incidents/:ref/evidence: the records a regulator may ask for, and the incident's audit entries in words. */
    async evidence(req: Request, res: Response) {
      const { incident, viewer, page, locals } = await frame(req, res, "evidence");
      const requested = Number.parseInt(String(req.query.page ?? "1"), 10);
      const pageNumber = Number.isFinite(requested) ? Math.max(1, Math.min(requested, 100_000)) : 1;
      const [{ entries, total }, sections] = await Promise.all([
        loadIncidentAuditPage(deps.db.prisma, incident.id, { take: AUDIT_PAGE_SIZE, skip: (pageNumber - 1) * AUDIT_PAGE_SIZE }),
        Promise.all(page.sections.map(async (section) => ({ ...section, data: await section.load(deps, incident, viewer) }))),
      ]);
      res.render("incidents/workspace/evidence", {
        ...locals,
        sections,
        entries,
        total,
        pageNumber,
        pageCount: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
      });
    },
  };
}
