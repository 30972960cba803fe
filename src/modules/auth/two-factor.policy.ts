import { randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";

// The rules of the second factor, without I/O (decision 0026): TOTP as RFC 6238 and every
// authenticator app read it (SHA-1, six digits, 30-second steps), a window of one step either
// side for a phone's clock, and the step of the last accepted code kept so that no code is
// accepted twice. Recovery codes are 80 random bits, written in four groups of four letters.

export const PERIOD_SECONDS = 30;
export const RECOVERY_CODE_COUNT = 10;
// 32 signs, so each of a code's 16 carries 5 bits; no 0, o, 1 or l, which are misread when copied by hand.
const RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

/** Who must have a second factor under REQUIRE_MFA: staff is administrators and managers. */
export function isSecondFactorRequired(setting: "none" | "staff" | "all", role: string): boolean {
  if (setting === "all") return true;
  return setting === "staff" && (role === "admin" || role === "manager");
}

/** A new random TOTP secret (160 bits, as RFC 4226 recommends), in base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpOf(secret: string, label = "") {
  return new TOTP({
    issuer: "Breachdesk",
    label,
    algorithm: "SHA1",
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
}

/** The otpauth:// address an authenticator app reads from the QR code. */
export function otpauthUri(secret: string, label: string): string {
  return totpOf(secret, label).toString();
}

/** The time step of an instant: the counter a code is made from. */
export function stepAt(now: Date): number {
  return Math.floor(now.getTime() / 1000 / PERIOD_SECONDS);
}

/** The code an authenticator shows at an instant (tests and the e2e flow compute it so). */
export function codeAt(secret: string, now: Date): string {
  return totpOf(secret).generate({ timestamp: now.getTime() });
}

/** The code as typed: spaces and dashes dropped ("123 456" is a six-digit code). */
export function cleanCode(input: string): string {
  return input.replace(/[\s-]/g, "").toLowerCase();
}

/**
 * The step a six-digit code belongs to, if it is one of the secret's codes within a step of
 * now and later than lastUsedStep; otherwise null. A code of the step already used (or an
 * earlier one) is a replay, and refused.
 */
export function acceptedStep(secret: string, code: string, now: Date, lastUsedStep: number | null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpOf(secret).validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return null;
  const step = stepAt(now) + delta;
  return lastUsedStep !== null && step <= lastUsedStep ? null : step;
}

/** True when a typed code has the shape of a recovery code rather than of a six-digit one. */
export function looksLikeRecoveryCode(code: string): boolean {
  return code.length === 16 && [...code].every((c) => RECOVERY_ALPHABET.includes(c));
}

/** Ten new recovery codes, as shown to the user: "abcd-efgh-jkmn-pqrs". */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const code = [...randomBytes(16)].map((byte) => RECOVERY_ALPHABET[byte & 31]).join("");
    return code.match(/.{4}/g)!.join("-");
  });
}
