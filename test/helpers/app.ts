import type { Express } from "express";
import supertest from "supertest";
import { createApp } from "../../src/app.js";
import { type Config, loadConfig } from "../../src/config/config.js";
import type { Deps } from "../../src/deps.js";
import { fixedClock } from "../../src/lib/clock.js";
import { createLogger } from "../../src/lib/logger.js";
import { createCatcherMailer } from "../../src/mail/catcher-mailer.js";
import { ensureBuiltInCategories } from "../../src/modules/data-categories/data-categories.service.js";
import type { Role } from "../../src/modules/users/users.schemas.js";
import { createUser } from "../../src/modules/users/users.service.js";
import { createTestDatabase, type TestDatabase } from "./db.js";

export const TEST_PASSWORD = "correct horse battery staple";

export interface TestApp {
  app: Express;
  deps: Deps;
  db: TestDatabase;
  clock: ReturnType<typeof fixedClock>;
  close(): Promise<void>;
}

/**
 * A fresh app on its own fresh database, with the mail catcher and a clock that stands still
 * at 2026-03-02T09:00Z until a test moves it.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  // New incidents are open in tests not about need-to-know, which pass INCIDENTS_DEFAULT_ACCESS=restricted.
  const config: Config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: db.url,
    RUN_WORKER: "false",
    INCIDENTS_DEFAULT_ACCESS: "open",
    ...env,
  });
  const clock = fixedClock(new Date("2026-03-02T09:00:00Z"));
  const deps: Deps = {
    config,
    db,
    clock,
    logger: createLogger("silent"),
    mailer: createCatcherMailer({ db, from: config.MAIL_FROM, clock }),
  };
  await ensureBuiltInCategories(db);
  const app = await createApp(deps);
  app.set("view cache", true);
  return { app, deps, db, clock, close: () => db.destroy() };
}

/** Creates an active user with TEST_PASSWORD, straight through the service. */
export async function addUser(t: TestApp, role: Role, email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.org`) {
  const { user } = await createUser(
    t.deps,
    { method: "password", email, name: `Test ${role}`, role, password: TEST_PASSWORD },
    { userId: null, label: "test", ip: null },
  );
  return user;
}

/** The CSRF token in the first form of a page. */
export function csrfFrom(html: string): string {
  const match = html.match(/name="_csrf" value="([^"]+)"/);
  if (!match?.[1]) throw new Error("no CSRF token on the page");
  return match[1];
}

/** A cookie-keeping client, with a helper that posts a form carrying the session's CSRF token. */
export function agentFor(t: TestApp) {
  const agent = supertest.agent(t.app);
  async function token(fromPath = "/login"): Promise<string> {
    const page = await agent.get(fromPath);
    return csrfFrom(page.text);
  }
  return {
    agent,
    token,
    /** Posts a form as a browser would after loading tokenPath (default: the sign-in page). */
    async post(path: string, form: Record<string, string>, tokenPath = "/login") {
      // The token first: supertest attaches the cookie jar when the request object is made.
      const csrf = await token(tokenPath);
      return agent
        .post(path)
        .type("form")
        .send({ _csrf: csrf, ...form });
    },
  };
}

/** A client signed in as a new user of the role. */
export async function signedIn(t: TestApp, role: Role) {
  const user = await addUser(t, role);
  const client = agentFor(t);
  const res = await client.post("/login", { email: user.email, password: TEST_PASSWORD });
  if (res.status !== 303) throw new Error(`sign-in failed with ${res.status}: ${res.text.slice(0, 300)}`);
  return { ...client, user };
}
