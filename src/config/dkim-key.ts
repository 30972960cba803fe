import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";

/** The DKIM settings as loadConfig has parsed them. */
export interface DkimSettings {
  DKIM_DOMAIN?: string | undefined;
  DKIM_SELECTOR?: string | undefined;
  DKIM_PRIVATE_KEY_PATH?: string | undefined;
}

const KEYS = ["DKIM_DOMAIN", "DKIM_SELECTOR", "DKIM_PRIVATE_KEY_PATH"] as const;

/**
 * What is wrong with the DKIM settings, one line per problem in the configuration error's form
 * (`KEY="value": what to fix`), or none: the three go together, and the key file must be a
 * readable private key (PEM, RSA or Ed25519). Checked at start, so a missing or unreadable
 * key stops the start naming DKIM_PRIVATE_KEY_PATH instead of failing each message later.
 */
export function dkimKeyProblem(settings: DkimSettings): string[] {
  const given = KEYS.filter((key) => settings[key] !== undefined);
  if (given.length === 0) return [];
  if (given.length < KEYS.length) {
    const missing = KEYS.filter((key) => settings[key] === undefined);
    return missing.map(
      (key) =>
        `${key}="": must be set too, since ${given.join(" and ")} ${given.length === 1 ? "is" : "are"} (DKIM signing needs all three, or none)`,
    );
  }
  const path = settings.DKIM_PRIVATE_KEY_PATH as string;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String(code ?? error);
    return [`DKIM_PRIVATE_KEY_PATH=${JSON.stringify(path)}: cannot be read (${why}); give the file holding the DKIM private key`];
  }
  try {
    const key = createPrivateKey(text);
    if (key.asymmetricKeyType !== "rsa" && key.asymmetricKeyType !== "ed25519")
      return [`DKIM_PRIVATE_KEY_PATH=${JSON.stringify(path)}: is a ${key.asymmetricKeyType} key; DKIM signs with RSA or Ed25519`];
  } catch {
    return [`DKIM_PRIVATE_KEY_PATH=${JSON.stringify(path)}: is not a private key in PEM form (-----BEGIN PRIVATE KEY-----)`];
  }
  return [];
}
