import { randomUUID } from "node:crypto";
import { join } from "node:path";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import { apiRouter } from "./api/api.routes.js";
import type { Deps } from "./deps.js";
import { wireIncidentEvents } from "./incident-events.js";
import { AppError } from "./lib/errors.js";
import { projectRoot } from "./lib/paths.js";
import { accountRoutes } from "./modules/account/account.routes.js";
import { accountSessionsRoutes } from "./modules/account/account-sessions.routes.js";
import { credentialsReview, recordSessionClient } from "./modules/account/index.js";
import { actionsRoutes } from "./modules/actions/actions.routes.js";
import { apiTokensRoutes } from "./modules/api-tokens/api-tokens.routes.js";
import { assessmentsRoutes } from "./modules/assessments/assessments.routes.js";
import { auditRoutes } from "./modules/audit/audit.routes.js";
import { authRoutes } from "./modules/auth/auth.routes.js";
import { secondFactorGate } from "./modules/auth/index.js";
import { oidcRoutes } from "./modules/auth/oidc.routes.js";
import { twoFactorRoutes } from "./modules/auth/two-factor.routes.js";
import { bounceHookRoutes, bouncesRoutes } from "./modules/bounces/bounces.routes.js";
import { dsnUploadBody } from "./modules/bounces/index.js";
import { campaignsRoutes } from "./modules/campaigns/campaigns.routes.js";
import { dataCategoriesRoutes } from "./modules/data-categories/data-categories.routes.js";
import { evidenceRoutes } from "./modules/evidence/evidence.routes.js";
import { evidenceUploadBody } from "./modules/evidence/index.js";
import { evidencePackRoutes } from "./modules/evidence-pack/evidence-pack.routes.js";
import { healthRoutes, homeRoutes } from "./modules/home/home.routes.js";
import { incidentProposalRoutes } from "./modules/incidents/incident-proposal.routes.js";
import { incidentsRoutes } from "./modules/incidents/incidents.routes.js";
import { incidentPageGate } from "./modules/incidents/index.js";
import { lettersUploadBody } from "./modules/ledger/index.js";
import { ledgerRoutes } from "./modules/ledger/ledger.routes.js";
import { mailCatcherRoutes } from "./modules/mail-catcher/mail-catcher.routes.js";
import { noticesRoutes } from "./modules/notices/notices.routes.js";
import { obligationsRoutes } from "./modules/obligations/obligations.routes.js";
import { organisationRoutes } from "./modules/organisation/organisation.routes.js";
import { peopleUploadBody, uploadDirectory } from "./modules/people/index.js";
import { peopleRoutes } from "./modules/people/people.routes.js";
import { personRiskRoutes } from "./modules/people/person-risk.routes.js";
import { publicReportPageRoutes, publicReportRoutes } from "./modules/public-report/public-report.routes.js";
import { registerRoutes } from "./modules/register/register.routes.js";
import { calendarFeedRoutes, remindersRoutes } from "./modules/reminders/reminders.routes.js";
import { retentionRoutes } from "./modules/retention/retention.routes.js";
import { statementsUploadBody } from "./modules/statements/index.js";
import { statementsRoutes } from "./modules/statements/statements.routes.js";
import { systemsRoutes } from "./modules/systems/systems.routes.js";
import { timelineUploadBody } from "./modules/timeline/index.js";
import { timelineRoutes } from "./modules/timeline/timeline.routes.js";
import { findUser, hasUsers } from "./modules/users/index.js";
import { usersRoutes } from "./modules/users/users.routes.js";
import { verificationRoutes } from "./modules/verification/verification.routes.js";
import { isAllowed } from "./web/access.js";
import { csrfProtection } from "./web/csrf.js";
import { errorHandler, notFound } from "./web/errors.js";
import { takeFlash } from "./web/flash.js";
import { keepFormOfExpiredSession, refillKeptForm } from "./web/kept-form.js";
import { redactUrlForLog } from "./web/log-redaction.js";
import { resolveSessionSecret, sessionMiddleware } from "./web/session.js";
import { viewHelpers } from "./web/view-helpers.js";

/** Paths reachable before the first administrator exists. */
const SETUP_PATHS = ["/setup", "/healthz", "/static/"];

/**
 * Builds the Express app from its dependencies. Never listens: server.ts does, and tests
 * drive the app through supertest.
 */
export async function createApp(deps: Deps): Promise<Express> {
  wireIncidentEvents();
  const app = express();
  const isProduction = deps.config.NODE_ENV === "production";
  app.set("trust proxy", deps.config.TRUST_PROXY);
  app.set("views", join(projectRoot, "views"));
  app.set("view engine", "ejs");
  app.set("view cache", isProduction);
  app.disable("x-powered-by");
  // Defaults for pages rendered before the per-request locals are set (an early error page).
  Object.assign(app.locals, viewHelpers, { can: () => false, flashMessages: [], currentPath: "", mailKind: deps.mailer.kind });

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const given = req.headers["x-request-id"];
        const id = typeof given === "string" && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
        res.setHeader("x-request-id", id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url?.startsWith("/static/") === true },
      serializers: {
        req: (req) => ({
          id: req.id,
          method: req.method,
          url: redactUrlForLog(String(req.url)),
          remoteAddress: req.remoteAddress,
        }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          "script-src": ["'self'"],
          "style-src": ["'self'"],
          "img-src": ["'self'", "data:"],
          "form-action": ["'self'"],
          "frame-src": ["'self'"],
          "frame-ancestors": ["'self'"],
          // Off: on a plain-HTTP intranet address it would make the browser ask for HTTPS styles.
          "upgrade-insecure-requests": null,
        },
      },
      // Our own pages' address goes with a request to our own pages only (never to another site):
      // a form sent after the session expired comes back to the page it was on (decision 0016).
      referrerPolicy: { policy: "same-origin" },
      // Behind a trusted proxy, which terminates HTTPS; served directly, the app may be plain HTTP.
      strictTransportSecurity: deps.config.TRUST_PROXY !== false,
    }),
  );
  app.use("/static", express.static(join(projectRoot, "public"), { maxAge: isProduction ? "1h" : 0, index: false }));
  app.use(healthRoutes(deps));
  // The API authenticates bearer tokens, not cookies: no session, no CSRF, its own body parser.
  const peopleUploadMaxBytes = deps.config.PEOPLE_UPLOAD_MAX_MIB * 1024 * 1024;
  app.use("/api/v1", apiRouter(deps, { maxUploadBytes: peopleUploadMaxBytes }));
  // The calendar feed's secret is in its URL: no session, no CSRF.
  app.use(calendarFeedRoutes(deps));
  // The public report's pages are read without signing in: no session (no cookie), each with its own strict CSP (decision 0018).
  app.use(publicReportPageRoutes(deps));
  // Bounce reports carry a shared secret: no session, no CSRF, their own body parser.
  app.use(bounceHookRoutes(deps));
  // Is this notice genuine? Public, read-only and rate limited: no session, no CSRF, its own body parser.
  app.use(verificationRoutes(deps));
  // 1 MB: a notice's seven sections in a non-Latin script take up to 3 bytes a character, and
  // percent-encoding triples that again.
  app.use(express.urlencoded({ extended: false, limit: "1mb", parameterLimit: 200 }));
  app.use(express.json({ limit: "200kb" }));
  app.use(sessionMiddleware(deps, await resolveSessionSecret(deps)));
  app.use(loadCurrentUser(deps));
  // A signed-in session's client (User-Agent, address) is recorded once; a new one may be e-mailed (decision 0028).
  app.use(recordSessionClient(deps));
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.locals.flashMessages = takeFlash(req);
    res.locals.currentPath = req.path;
    res.locals.can = (access: Parameters<typeof isAllowed>[1]) => isAllowed(res.locals.currentUser?.role, access);
    next();
  });

  let isSetUp = false;
  app.use(async (req: Request, res: Response, next: NextFunction) => {
    isSetUp ||= await hasUsers(deps);
    const isSetupPath = SETUP_PATHS.some((p) => req.path === p || (p.endsWith("/") && req.path.startsWith(p)));
    if (!isSetUp && !isSetupPath) return res.redirect(303, "/setup");
    if (isSetUp && req.path === "/setup") return next(new AppError("not_found", "Breachdesk is already set up."));
    next();
  });
  // REQUIRE_MFA: a user who must set up a second factor goes nowhere else until it is done.
  app.use(secondFactorGate(deps));
  // Need-to-know (decision 0030): a reader who may not read an incident gets 404 before any of its routes, uploads or forms.
  app.use("/incidents/:ref", incidentPageGate(deps));
  // Multipart uploads must be read before the CSRF check, which looks for _csrf in the body.
  app.use(timelineUploadBody());
  app.use(peopleUploadBody({ directory: uploadDirectory(deps.config.DATABASE_URL), maxBytes: peopleUploadMaxBytes }));
  app.use(dsnUploadBody());
  app.use(lettersUploadBody());
  app.use(statementsUploadBody());
  app.use(evidenceUploadBody(deps));
  // A form sent after the session expired is kept for after sign-in (decision 0016), then refilled.
  app.use(keepFormOfExpiredSession(deps));
  app.use(csrfProtection);
  app.use(refillKeptForm(deps));

  app.use(homeRoutes(deps));
  app.use(
    authRoutes(deps, () => {
      isSetUp = true;
    }),
  );
  app.use(twoFactorRoutes(deps));
  app.use(oidcRoutes(deps));
  app.use(incidentsRoutes(deps));
  app.use(incidentProposalRoutes(deps));
  app.use(timelineRoutes(deps));
  app.use(systemsRoutes(deps));
  app.use(dataCategoriesRoutes(deps));
  app.use(actionsRoutes(deps));
  app.use(peopleRoutes(deps));
  app.use(personRiskRoutes(deps));
  app.use(noticesRoutes(deps));
  app.use(campaignsRoutes(deps));
  app.use(organisationRoutes(deps));
  app.use(assessmentsRoutes(deps));
  app.use(obligationsRoutes(deps));
  app.use(accountSessionsRoutes(deps));
  app.use(accountRoutes(deps));
  app.use(apiTokensRoutes(deps));
  app.use(remindersRoutes(deps));
  app.use(usersRoutes(deps, credentialsReview));
  app.use(auditRoutes(deps));
  app.use(mailCatcherRoutes(deps));
  app.use(bouncesRoutes(deps));
  app.use(ledgerRoutes(deps));
  app.use(statementsRoutes(deps));
  app.use(publicReportRoutes(deps));
  app.use(evidenceRoutes(deps));
  app.use(evidencePackRoutes(deps));
  app.use(registerRoutes(deps));
  app.use(retentionRoutes(deps));

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}

/** Puts the signed-in user on res.locals; a session of a deactivated or deleted user is ended. */
function loadCurrentUser(deps: Deps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const userId = req.session?.userId;
    if (!userId) return next();
    const user = await findUser(deps.db.prisma, userId);
    if (!user || user.status !== "active") {
      delete req.session.userId;
      return next();
    }
    res.locals.currentUser = user;
    next();
  };
}
