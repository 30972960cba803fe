import type { Server } from "node:http";
import type { Express } from "express";
import { createApp } from "./app.js";
import { bootCore, describeListenFailure, failBoot, printStep } from "./boot.js";
import type { Config } from "./config/config.js";
import { startWorker } from "./jobs/worker.js";
import { createMailer } from "./mail/create-mailer.js";

/**
 * Listens on HOST:PORT. A port that is taken (or not allowed) stops the start with a message
 * naming the port and the PORT setting; nothing else has started yet, so nothing is left running.
 */
function listen(app: Express, config: Config): Promise<Server> {
  return new Promise((resolve) => {
    // Express 5 hands a listen error (EADDRINUSE, EACCES) to this callback.
    const server = app.listen(config.PORT, config.HOST, (error?: Error) => {
      if (error) failBoot("web server", describeListenFailure(error, config.HOST, config.PORT));
      resolve(server);
    });
  });
}

/** Entry of the web process: boot, serve, and on SIGTERM finish requests and close cleanly. */
async function main() {
  const { config, db, logger, clock } = await bootCore();
  const mailer = createMailer(config, db);
  const deps = { config, db, logger, clock, mailer };
  const app = await createApp(deps);
  // Listen before the worker starts: a taken port then stops the start before any job runs.
  const server = await listen(app, config);
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  const host = ["127.0.0.1", "0.0.0.0", "::", "::1"].includes(config.HOST) ? "localhost" : config.HOST;
  // With PORT=0 the system picked the port: links in e-mails must carry the real one.
  if (!config.PUBLIC_URL) config.publicUrl = `http://localhost:${port}`;
  const worker = config.RUN_WORKER
    ? await startWorker({ config, db, logger, clock, mailer }).catch((e) => failBoot("worker", e))
    : null;
  printStep(
    config.RUN_WORKER ? "✓ worker running in this process" : "✓ worker not started here (RUN_WORKER=false; run `npm run worker`)",
  );

  let isStopping = false;
  const shutdown = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      logger.error("shutdown took longer than 15 s; exiting");
      process.exit(1);
    }, 15_000);
    force.unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await worker?.stop();
    await mailer.close();
    await db.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  // Last, once a stop signal is handled: whoever waits for this line may stop the server at once.
  printStep(`✓ Breachdesk is running at http://${host}:${port}/ (listening on ${config.HOST}:${port})`);
}

main().catch((error) => failBoot("start", error));
