import type { NextFunction, Request, RequestHandler, Response, Router } from "express";
import type { User } from "../generated/sqlite/client.js";
import { AppError } from "../lib/errors.js";
import type { Actor } from "../modules/audit/index.js";
import type { Role } from "../modules/users/index.js";

/**
 * Who may use a route. public: anyone, signed in or not. Roles are ranked: a manager may do
 * what a viewer may, an admin what a manager may.
 */
export type Access = "public" | Role;

const rank: Record<Role, number> = { viewer: 1, manager: 2, admin: 3 };

export interface RouteSpec {
  method: "get" | "post";
  path: string;
  access: Access;
  handler: RequestHandler;
  /**
   * Served before the session layer (no cookie, no session, so no CSRF token): only for a public
   * POST that changes nothing, such as /verify's look-up. The CSRF test lists these apart.
   */
  sessionless?: true;
}

/** Every route the app serves, with its access level: the authorization test walks it. */
export const routeTable: RouteSpec[] = [];

/** The signed-in user of a request, or undefined. */
export function currentUser(res: Response): User | undefined {
  return res.locals.currentUser as User | undefined;
}

/** The audit actor of a request: the signed-in user (or "anonymous") and the client address. */
export function actorOf(req: Request, res: Response): Actor {
  const user = currentUser(res);
  return { userId: user?.id ?? null, label: user?.email ?? "anonymous", ip: req.ip ?? null };
}

/** True when a user with this role may use a route of this access level. */
export function isAllowed(role: Role | undefined, access: Access): boolean {
  if (access === "public") return true;
  return role !== undefined && rank[role] >= rank[access];
}

/** Whether a route's path is one of an incident's (/incidents/:ref and below), behind the incident gate. */
export function isIncidentPath(path: string): boolean {
  return path === "/incidents/:ref" || path.startsWith("/incidents/:ref/") || path.startsWith("/incidents/:ref.");
}

/**
 * Whether the incident gate (incidentPageGate / incidentApiGate, decision 0030) let this request
 * in. An incident route reached without it fails closed, with the same 404 as a stranger gets.
 */
export function passedIncidentGate(req: Request, res: Response, next: NextFunction): boolean {
  if (res.locals.incidentAccess) return true;
  next(new AppError("not_found", `There is no incident ${String(req.params.ref ?? "")}.`));
  return false;
}

function guard(access: Access, isIncidentRoute: boolean): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (access === "public") return next();
    const user = currentUser(res);
    if (!user) {
      if (req.method === "GET" && req.accepts(["html", "json"]) === "html") {
        return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      }
      return next(new AppError("unauthenticated", "Sign in to continue."));
    }
    // Inside an incident the user's role is already the one they act with there (the gate lowered it).
    if (isIncidentRoute && !passedIncidentGate(req, res, next)) return;
    if (!isAllowed(user.role as Role, access)) {
      return next(new AppError("forbidden", "Your role does not allow this. Ask an administrator if you need it."));
    }
    next();
  };
}

/** Registers routes on a router, each behind its access guard, and records them in routeTable. */
export function mountRoutes(router: Router, specs: RouteSpec[]): void {
  for (const spec of specs) {
    router[spec.method](spec.path, guard(spec.access, isIncidentPath(spec.path)), spec.handler);
    if (!routeTable.some((r) => r.method === spec.method && r.path === spec.path)) routeTable.push(spec);
  }
}
