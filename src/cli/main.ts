// The `breachdesk` command's entry (bin/breachdesk.js imports it): the settings of ./.env, then
// one command with this process's streams and environment. The dispatcher is src/cli/run-cli.ts.
import { loadDotEnv } from "../config/config.js";
import { processIo } from "./cli-io.js";
import { runCli } from "./run-cli.js";

loadDotEnv();
process.exitCode = await runCli(process.argv.slice(2), processIo());
