import { parseArgs } from "node:util";
import { parseInput } from "../lib/validation.js";
import { createApiTokenForEmail, createApiTokenSchema } from "../modules/api-tokens/index.js";
import { normaliseEmail } from "../modules/users/index.js";
import { withCliDeps } from "./cli-deps.js";
import type { CliIo } from "./cli-io.js";

export const tokensUsage = `  breachdesk tokens create --email E [--name N]
      Creates a personal API token for an active user and prints it once on standard
      output; it acts with that user's role. The name defaults to "command line".`;

/**
 * `breachdesk tokens create`: prints the new token alone on standard output (so a script can
 * capture it) and everything for people on standard error. Returns the exit status.
 */
export async function tokensCreate(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: "string" }, name: { type: "string" } }, strict: true });
  if (!values.email) {
    io.stderr.write(`Missing --email.\n\nUsage:\n${tokensUsage}\n`);
    return 2;
  }
  const email = normaliseEmail(values.email);
  const input = parseInput(createApiTokenSchema, { name: values.name ?? "command line" });
  return withCliDeps(io.env, async (deps) => {
    const { owner, token, apiToken } = await createApiTokenForEmail(deps, email, input, {
      userId: null,
      label: "cli",
      ip: null,
    });
    io.stdout.write(`${token}\n`);
    io.stderr.write(
      `Created the API token "${apiToken.name}" (${apiToken.prefix}…) for ${owner.email}, acting as ${owner.role}. ` +
        "Copy it now: it will not be shown again.\n",
    );
    return 0;
  });
}
