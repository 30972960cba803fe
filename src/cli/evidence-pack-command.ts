import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { AppError } from "../lib/errors.js";
import { buildEvidencePack, type PackVerification, verifyPack } from "../modules/evidence-pack/index.js";
import { cliDepsFrom, type OpenDeps } from "./cli-deps.js";
import { type CommandIo, completeIo } from "./cli-io.js";

export const evidencePackUsage = `  breachdesk evidence-pack --incident REF --out FILE.zip [--include-personal-data] [--json]
      Writes the incident's evidence pack: every record of what happened and what was done
      (JSON and an HTML page per part, index.html first), the ledger as CSV, the evidence
      files, the incident's audit entries with the chain's head, and manifest.json (each
      file's SHA-256 and size) signed with the pack key (manifest.sig, public-key.pem).
      Names and addresses of the people concerned only with --include-personal-data.
      Audited by "cli". Exit status 0 written, 2 bad usage or no such incident.
  breachdesk verify-pack FILE.zip [--json]
      Checks a pack: every file's SHA-256 and size against its manifest, nothing added or
      removed, and the manifest's signature. Prints the signing key's fingerprint (compare
      it with Admin > Audit log > Verify > Evidence pack signing key). --json prints
      {ok, problems: [{file, problem}], fingerprint}. Exit status 0 intact, 1 something
      changed, added or removed (each file named), 2 the file cannot be read as a zip.`;

/**
 * `breachdesk evidence-pack`: the pack is written beside FILE as FILE.partial and renamed once
 * complete, so FILE is never half a pack. `open` gives the dependencies: from io.env (else this
 * process's environment), or a test's own.
 */
export async function runEvidencePackCommand(
  args: string[],
  io: CommandIo,
  open: OpenDeps = cliDepsFrom(completeIo(io).env),
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      incident: { type: "string" },
      out: { type: "string" },
      "include-personal-data": { type: "boolean" },
      json: { type: "boolean" },
    },
    strict: true,
  });
  if (!values.incident) throw new AppError("validation", "Missing --incident REF (e.g. BD-2026-0001).");
  if (!values.out) throw new AppError("validation", "Missing --out FILE.zip: where to write the pack.");
  const path = resolve(values.out);
  const partial = `${path}.partial`;
  const options = { includePersonalData: values["include-personal-data"] === true };
  const outcome = await open(async (deps) => {
    try {
      const done = await buildEvidencePack(
        deps,
        { userId: null, label: "cli", ip: null },
        values.incident!,
        options,
        createWriteStream(partial),
      );
      await rename(partial, path);
      return done;
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  });
  if (values.json) io.stdout.write(`${JSON.stringify({ path, ...outcome })}\n`);
  else {
    io.stdout.write(
      `${outcome.reference}: wrote ${path} (${outcome.files} files, ${outcome.bytes} bytes, ${options.includePersonalData ? "with" : "without"} personal data).\nManifest SHA-256: ${outcome.manifestSha256}\n`,
    );
  }
  return 0;
}

function verificationText(path: string, result: PackVerification): string {
  const lines = [`Pack: ${path}`];
  if (result.manifest) {
    const m = result.manifest;
    lines.push(`Incident: ${m.incident.reference}, built ${m.builtAt} by ${m.builtBy}, ${m.files.length} files listed`);
    if (m.auditHead) lines.push(`Audit chain head then: #${m.auditHead.seq} ${m.auditHead.hash}`);
  }
  if (result.fingerprint) lines.push(`Signing key: ${result.fingerprint}`);
  for (const p of result.problems) lines.push(`${p.file}: ${p.problem}`);
  lines.push(
    `Result: ${result.ok ? "intact" : result.status === 2 ? "cannot be read" : `NOT intact (${result.problems.length} problems)`}`,
  );
  return lines.join("\n");
}

/** `breachdesk verify-pack FILE.zip [--json]`: 0 intact, 1 changed (each file named), 2 unreadable. */
export async function runVerifyPackCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: "boolean" } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) {
    io.stderr.write(`Give exactly one FILE.zip.\nUsage:\n${evidencePackUsage}\n`);
    return 2;
  }
  const path = positionals[0]!;
  const result = await verifyPack(path);
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ ok: result.ok, problems: result.problems, fingerprint: result.fingerprint })}\n`);
  } else {
    (result.ok ? io.stdout : io.stderr).write(`${verificationText(path, result)}\n`);
  }
  return result.status;
}
