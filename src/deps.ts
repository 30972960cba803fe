import type { Config } from "./config/config.js";
import type { Database } from "./db/client.js";
import type { Clock } from "./lib/clock.js";
import type { Logger } from "./lib/logger.js";
import type { Mailer } from "./mail/mailer.js";

/** What the app and the services are built from; tests build their own. */
export interface Deps {
  config: Config;
  db: Database;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
}
