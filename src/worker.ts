import { bootCore, failBoot, printStep } from "./boot.js";
import { startWorker } from "./jobs/worker.js";
import { createMailer } from "./mail/create-mailer.js";

/**
 * Entry of `npm run worker`: the background worker alone, for deployments that run it apart
 * from the web process (set RUN_WORKER=false there). Never listens for HTTP.
 */
async function main() {
  const { config, db, logger, clock } = await bootCore();
  const mailer = createMailer(config, db);
  const worker = await startWorker({ config, db, logger, clock, mailer }).catch((error) => failBoot("worker", error));
  printStep(`✓ worker running (pid ${process.pid}); stop it with Ctrl-C or SIGTERM`);

  let isStopping = false;
  const shutdown = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    logger.info({ signal }, "worker shutting down");
    // Jobs still running at the deadline are re-run elsewhere once their leases expire.
    const force = setTimeout(() => {
      logger.error("worker shutdown took longer than 40 s; exiting");
      process.exit(1);
    }, 40_000);
    force.unref();
    try {
      await worker.stop();
      await mailer.close();
      await db.close();
    } catch (error) {
      logger.error({ err: error }, "worker shutdown failed");
      process.exit(1);
    }
    printStep("✓ worker stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error) => failBoot("worker start", error));
