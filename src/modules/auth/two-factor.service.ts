import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { sha256 } from "../../lib/ids.js";
import { verifyPassword } from "../../lib/passwords.js";
import { renderEmail } from "../../mail/render.js";
import { type Actor, withAudit } from "../audit/index.js";
import { findUser, type User } from "../users/index.js";
import { acceptedStep, cleanCode, isSecondFactorRequired, newRecoveryCodes, otpauthUri } from "./two-factor.policy.js";
import {
  countUnusedRecoveryCodes,
  deleteTwoFactor,
  findTwoFactor,
  replaceRecoveryCodes,
  saveTwoFactor,
} from "./two-factor.repository.js";

export interface SecondFactorState {
  isOn: boolean;
  enabledAt: Date | null;
  recoveryCodesLeft: number;
  /** REQUIRE_MFA applies to this user: it cannot be switched off. */
  isRequired: boolean;
}

/** Whether a user's second factor is on, since when, and how many recovery codes are left. */
export async function loadSecondFactorState(deps: Deps, user: Pick<User, "id" | "role">): Promise<SecondFactorState> {
  const factor = await findTwoFactor(deps.db.prisma, user.id);
  return {
    isOn: factor !== null,
    enabledAt: factor?.enabledAt ?? null,
    recoveryCodesLeft: factor ? await countUnusedRecoveryCodes(deps.db.prisma, user.id) : 0,
    isRequired: isSecondFactorRequired(deps.config.REQUIRE_MFA, user.role),
  };
}

/** True when REQUIRE_MFA applies to the user and they have no second factor yet. */
export async function mustSetUpSecondFactor(deps: Deps, user: Pick<User, "id" | "role">): Promise<boolean> {
  if (!isSecondFactorRequired(deps.config.REQUIRE_MFA, user.role)) return false;
  return (await findTwoFactor(deps.db.prisma, user.id)) === null;
}

/** What the setup page shows for a new secret: the QR code (an SVG data URI) and the address it holds. */
export async function describeNewSecret(user: Pick<User, "email">, secret: string) {
  const uri = otpauthUri(secret, user.email);
  // Loaded when first asked (about 8 MB): most processes never show a QR code.
  const { default: QRCode } = await import("qrcode");
  const svg = await QRCode.toString(uri, { type: "svg", margin: 2, width: 200, errorCorrectionLevel: "M" });
  return { uri, qrDataUri: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` };
}

/**
 * Switches the second factor on once the user proved their app holds the secret with a current
 * code (that code's step is then used up), and makes ten recovery codes, returned once and
 * stored only as hashes.
 */
export async function confirmSecondFactor(deps: Deps, actor: Actor, user: User, secret: string, typed: string) {
  const step = acceptedStep(secret, cleanCode(typed), deps.clock.now(), null);
  if (step === null) {
    throw new AppError("validation", "That code does not match. Enter the six-digit code your app shows now for Breachdesk.", {
      code: "Enter the code your app shows now.",
    });
  }
  const codes = newRecoveryCodes();
  await withAudit(deps.db, actor, deps.clock, async (tx) => {
    const now = deps.clock.now();
    await saveTwoFactor(tx, user.id, secret, step, now);
    await replaceRecoveryCodes(tx, user.id, codes.map(hashOf), now);
    return { result: null, audit: { action: "auth.two_factor_on", entityType: "user", entityId: user.id } };
  });
  return codes;
}

/** The stored form of a recovery code, as the user may type it (case, spaces and dashes ignored). */
function hashOf(code: string): string {
  return sha256(cleanCode(code));
}

async function assertPassword(user: User, password: string): Promise<void> {
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, password))) {
    throw new AppError("validation", "That is not your password. Enter the password you sign in with.", {
      password: "Enter your current password.",
    });
  }
}

/** Switches the user's own second factor off, after their password; refused when REQUIRE_MFA applies to them. */
export async function switchOffSecondFactor(deps: Deps, actor: Actor, user: User, password: string): Promise<void> {
  if (isSecondFactorRequired(deps.config.REQUIRE_MFA, user.role)) {
    throw new AppError("conflict", "Two-factor sign-in is required for your role, so it cannot be switched off.");
  }
  await assertPassword(user, password);
  await withAudit(deps.db, actor, deps.clock, async (tx) => {
    if ((await deleteTwoFactor(tx, user.id)) === 0) throw new AppError("conflict", "Two-factor sign-in is already off.");
    return { result: null, audit: { action: "auth.two_factor_off", entityType: "user", entityId: user.id } };
  });
}

/** Replaces the user's recovery codes with ten new ones, after their password; the old ones stop working. */
export async function renewRecoveryCodes(deps: Deps, actor: Actor, user: User, password: string): Promise<string[]> {
  await assertPassword(user, password);
  const codes = newRecoveryCodes();
  await withAudit(deps.db, actor, deps.clock, async (tx) => {
    if (!(await findTwoFactor(tx, user.id))) throw new AppError("conflict", "Set up two-factor sign-in first.");
    await replaceRecoveryCodes(tx, user.id, codes.map(hashOf), deps.clock.now());
    return { result: null, audit: { action: "auth.recovery_codes_new", entityType: "user", entityId: user.id } };
  });
  return codes;
}

/**
 * An administrator removes a user's second factor (a lost phone): audited, and the user is told
 * by e-mail, so that a reset they did not ask for does not go unnoticed. Their next sign-in
 * needs only the password, or takes them to the setup when REQUIRE_MFA applies to them.
 */
export async function resetSecondFactor(deps: Deps, actor: Actor, userId: string): Promise<User> {
  const user = await withAudit(deps.db, actor, deps.clock, async (tx) => {
    const found = await findUser(tx, userId);
    if (!found) throw new AppError("not_found", "No such user.");
    if ((await deleteTwoFactor(tx, found.id)) === 0) {
      throw new AppError("conflict", `${found.name} has no two-factor sign-in to reset.`);
    }
    return { result: found, audit: { action: "auth.two_factor_reset", entityType: "user", entityId: found.id } };
  });
  const content = await renderEmail("emails/two-factor-reset", "Your Breachdesk two-factor sign-in was reset", {
    name: user.name,
    resetBy: actor.label,
    link: `${deps.config.publicUrl}/account`,
  });
  try {
    await deps.mailer.send({ to: user.email, ...content });
  } catch (error) {
    // The reset stands; the administrator is told the e-mail did not go.
    deps.logger.error({ err: error, userId: user.id }, "could not send the two-factor reset e-mail");
    throw new AppError(
      "unavailable",
      `The second factor of ${user.name} was reset, but the e-mail telling them could not be sent.`,
    );
  }
  return user;
}
