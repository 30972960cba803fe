import { parseArgs } from "node:util";
import { AppError } from "../lib/errors.js";
import { lookupAddress, previewPurge, purgeNow } from "../modules/retention/index.js";
import { withCliDeps } from "./cli-deps.js";
import type { CliIo } from "./cli-io.js";
import { readLine } from "./read-password.js";

export const purgeUsage = `  breachdesk purge --incident REF [--yes] [--json]
      Purges the personal data of the incident's affected people once its retention has passed
      (closed, no legal hold): names, addresses, phones, postal addresses, attributes, import
      files, the mail catcher's copies of their notices. Each notice keeps its status, instants,
      Message-ID and a keyed hash of the address; the ledger's counts stay. Prints what goes and
      asks to type the reference unless --yes. It cannot be undone. A purge stopped midway
      continues where it stopped. Audited by "cli". Exit 0 when done, 3 when refused, 2 on error.
  breachdesk lookup-address --incident REF EMAIL [--json]
      Answers whether the address was notified in the incident, also after the purge (by the
      keyed hash): "notified on <date>", or not found (exit status 3).`;

const cli = { userId: null, label: "cli", ip: null };

/** `breachdesk purge`: the confirmation's counts, then the purge. */
export async function runPurgeCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { incident: { type: "string" }, yes: { type: "boolean" }, json: { type: "boolean" } },
    strict: true,
  });
  if (!values.incident) throw new AppError("validation", "Missing --incident REF (e.g. BD-2026-0001).");
  const reference = values.incident;
  return withCliDeps(io.env, async (deps) => {
    const preview = await previewPurge(deps, reference);
    const g = preview.goes;
    if (!preview.canPurge && preview.rule.state.kind !== "purging") {
      io.stderr.write(`${reference}: no purge: ${preview.whyNot}.\n`);
      return 3;
    }
    if (!values.yes) {
      io.stdout.write(
        `${reference}: the purge deletes the personal data of ${g.people} people, blanks the address of ${g.deliveries} notices (a keyed hash stays), ` +
          `deletes ${g.caughtMail} copies in the mail catcher and ${g.importFiles} import files, and the names of ${g.toldAnotherWay} people told another way. It cannot be undone.\n`,
      );
      const typed = await readLine(io, `Type ${reference} to purge: `);
      if (typed.trim() !== reference) {
        io.stderr.write("Not purged.\n");
        return 3;
      }
    }
    const { counts } = await purgeNow(deps, reference, cli);
    if (values.json) io.stdout.write(`${JSON.stringify({ reference, ...counts })}\n`);
    else
      io.stdout.write(`${reference}: purged ${counts.people} people, ${counts.deliveries} notices kept with a hashed address.\n`);
    return 0;
  });
}

/** `breachdesk lookup-address`: was this address notified? */
export async function runLookupAddressCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { incident: { type: "string" }, json: { type: "boolean" } },
    allowPositionals: true,
    strict: true,
  });
  if (!values.incident) throw new AppError("validation", "Missing --incident REF (e.g. BD-2026-0001).");
  if (positionals.length !== 1) throw new AppError("validation", "Give exactly one EMAIL address to look up.");
  const reference = values.incident;
  return withCliDeps(io.env, async (deps) => {
    const answer = await lookupAddress(deps, reference, positionals[0]!);
    if (values.json) io.stdout.write(`${JSON.stringify({ reference, ...answer })}\n`);
    else if (answer.notifiedAt) io.stdout.write(`notified on ${answer.notifiedAt.toISOString()} (${answer.channel})\n`);
    else io.stdout.write(answer.found ? "found, not notified yet\n" : "not found\n");
    return answer.found ? 0 : 3;
  });
}
