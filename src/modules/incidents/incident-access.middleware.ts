import type { NextFunction, Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { csrfTokenOf } from "../../web/csrf.js";
import { resolveIncidentAccess } from "./incident-access.service.js";

/** What the gate found: the incident and the role its reader acts with there. */
export interface IncidentAccessLocals {
  incidentId: string;
  role: string;
}

/**
 * The one door to an incident (decision 0030), mounted at /incidents/:ref before every incident
 * route, pages and API alike: it resolves the reference for the reader and answers 404 (the
 * same as for an incident that does not exist) to one who may not read it, before any handler,
 * upload parser or form runs. A reader it lets in acts, for the rest of the request, with
 * their role inside the incident (the lower of their global and their incident role), so the
 * routes' access guards, the handlers and the pages' forms all see the lowered role.
 * `reader` finds the signed-in user (or the token's owner) in res.locals and `actAs` replaces it.
 */
function gate(
  deps: Deps,
  reader: (res: Response) => { id: string; role: string } | undefined,
  actAs: (res: Response, role: string) => void,
  beforeRefusal: (req: Request, res: Response) => void = () => {},
) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const reference = String(req.params.ref ?? "");
    const user = reader(res);
    // Not signed in: the route's guard sends them to sign in. /incidents/new is the new-incident form.
    if (!user || reference === "new") return next();
    try {
      const { incident, role } = await resolveIncidentAccess(deps.db.prisma, user, reference);
      res.locals.incidentAccess = { incidentId: incident.id, role } satisfies IncidentAccessLocals;
      if (role !== user.role) actAs(res, role);
      next();
    } catch (error) {
      beforeRefusal(req, res);
      next(error);
    }
  };
}

/** The gate for the incident's pages, forms and exports (signed in by session). */
export function incidentPageGate(deps: Deps) {
  return gate(
    deps,
    (res) => res.locals.currentUser,
    (res, role) => {
      res.locals.currentUser = { ...res.locals.currentUser, role };
    },
    // The 404 page is the app's layout, whose sign-out form needs the token the CSRF layer (later) sets.
    (req, res) => {
      res.locals.csrfToken = csrfTokenOf(req);
    },
  );
}

/** The gate for the API's incident routes: a token acts as its owner, with the owner's role inside the incident. */
export function incidentApiGate(deps: Deps) {
  return gate(
    deps,
    (res) => res.locals.apiCaller?.user,
    (res, role) => {
      res.locals.apiCaller = { ...res.locals.apiCaller, user: { ...res.locals.apiCaller.user, role } };
    },
  );
}
