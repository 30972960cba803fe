import { parseArgs } from "node:util";
import { setPasswordFromCommandLine } from "../modules/auth/index.js";
import { withCliDeps } from "./cli-deps.js";
import type { CliIo } from "./cli-io.js";
import { readPassword } from "./read-password.js";

export const setPasswordUsage = `  breachdesk users set-password --email E
      Sets the password of an account, read from standard input like users create
      (for an administrator who forgot theirs when no SMTP relay carries reset links).
      Ends the account's sessions and lifts its sign-in locks; audited as "cli".`;

/**
 * `breachdesk users set-password`: the way back in for an administrator when no mail relay
 * can deliver a reset link. Returns the exit status (errors are reported by the caller).
 */
export async function usersSetPassword(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: "string" } }, strict: true });
  if (!values.email) {
    io.stderr.write(`Missing --email.\n\nUsage:\n${setPasswordUsage}\n`);
    return 2;
  }
  const email = values.email;
  const password = await readPassword(io, `New password for ${email}: `);
  return withCliDeps(io.env, async (deps) => {
    const user = await setPasswordFromCommandLine(deps, email, password, { userId: null, label: "cli", ip: null });
    io.stdout.write(`The password of ${user.email} (${user.role}) is set; their sessions have ended. They can sign in now.\n`);
    return 0;
  });
}
