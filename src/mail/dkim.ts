import { readFileSync } from "node:fs";
import type { Config } from "../config/config.js";

/** nodemailer's DKIM options: the signing domain (d=), the selector (s=) and the private key. */
export interface DkimSigning {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/**
 * The DKIM signing the settings ask for (DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY_PATH), or
 * null when they are unset. loadConfig has already refused a key that cannot be read
 * (config/dkim-key.ts); a file removed since throws here, naming the setting.
 */
export function dkimSigningOf(
  config: Pick<Config, "DKIM_DOMAIN" | "DKIM_SELECTOR" | "DKIM_PRIVATE_KEY_PATH">,
): DkimSigning | null {
  if (!config.DKIM_DOMAIN || !config.DKIM_SELECTOR || !config.DKIM_PRIVATE_KEY_PATH) return null;
  let privateKey: string;
  try {
    privateKey = readFileSync(config.DKIM_PRIVATE_KEY_PATH, "utf8");
  } catch (error) {
    throw new Error(
      `DKIM_PRIVATE_KEY_PATH=${JSON.stringify(config.DKIM_PRIVATE_KEY_PATH)} cannot be read: ${(error as Error).message}`,
    );
  }
  return { domainName: config.DKIM_DOMAIN.toLowerCase(), keySelector: config.DKIM_SELECTOR, privateKey };
}
