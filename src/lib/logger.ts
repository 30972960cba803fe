import { type Logger, pino } from "pino";

export type { Logger };

/** The structured JSON logger; one line per event on standard output. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: "breachdesk" }, redact: ["req.headers.cookie", "password", "*.password"] });
}
