import type { Server } from "node:http";
import { createApp } from "./app.js";
import { bootCore, failBoot, printStep } from "./boot.js";
import { startWorker } from "./jobs/worker.js";
import { createMailer } from "./mail/create-mailer.js";

/** Entry of the web process: boot, serve, and on SIGTERM finish requests and close cleanly. */
async function main() {
  const { config, db, logger, clock } = await bootCore();
  const mailer = createMailer(config, db);
  const deps = { config, db, logger, clock, mailer };
  const app = await createApp(deps);
  const worker = config.RUN_WORKER
    ? await startWorker({ config, db, logger, clock, mailer }).catch((e) => failBoot("worker", e))
    : null;
  printStep(
    config.RUN_WORKER ? "✓ worker running in this process" : "✓ worker not started here (RUN_WORKER=false; run `npm run worker`)",
  );

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.on("error", (error) => failBoot(`listening on ${config.HOST}:${config.PORT}`, error));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  const host = ["127.0.0.1", "0.0.0.0", "::", "::1"].includes(config.HOST) ? "localhost" : config.HOST;
  // With PORT=0 the system picked the port: links in e-mails must carry the real one.
  if (!config.PUBLIC_URL) config.publicUrl = `http://localhost:${port}`;
  printStep(`✓ Breachdesk is running at http://${host}:${port}/`);

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
}

main().catch((error) => failBoot("start", error));
