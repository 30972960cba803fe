import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createOidcHandlers } from "./oidc.handlers.js";

/** Single sign-on through an OpenID provider (decision 0031); both answer 404 when it is not set up. */
export function oidcRoutes(deps: Deps): Router {
  const h = createOidcHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    // A link, not a form: the page's CSP (form-action 'self') would stop a form's redirect to the provider.
    { method: "get", path: "/login/sso", access: "public", handler: h.start },
    { method: "get", path: "/login/sso/callback", access: "public", handler: h.callback },
  ]);
  return router;
}
