import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { sha256 } from "../../lib/ids.js";
import { recordAudit } from "../audit/index.js";
import { findUser, type User } from "../users/index.js";
import { completeSignIn, inTurn } from "./auth.service.js";
import { addressKey } from "./login-throttle.policy.js";
import { assertMaySignIn, recordFailedSignIn } from "./login-throttle.service.js";
import { acceptedStep, cleanCode, looksLikeRecoveryCode } from "./two-factor.policy.js";
import { claimStep, countUnusedRecoveryCodes, findTwoFactor, useRecoveryCode } from "./two-factor.repository.js";

export interface SecondStepResult {
  user: User;
  /** How many recovery codes are left when one was used; null when the code came from the app. */
  recoveryCodesLeft: number | null;
}

/** True when the user has a second factor switched on, so sign-in asks for a code. */
export async function hasSecondFactor(deps: Deps, userId: string): Promise<boolean> {
  return (await findTwoFactor(deps.db.prisma, userId)) !== null;
}

/**
 * The second step of a sign-in: a code from the authenticator app (within a step of now, and
 * of a later step than the last one accepted) or an unused recovery code, which is then used
 * up. A wrong code counts as a failed sign-in in the login throttle, as a wrong password does,
 * and waits its turn with the client's other attempts. Completes the sign-in when it passes.
 */
export function checkSecondStep(deps: Deps, userId: string, typed: string, ip: string | null): Promise<SecondStepResult> {
  return inTurn(addressKey(ip), async () => {
    const user = await findUser(deps.db.prisma, userId);
    const factor = user ? await findTwoFactor(deps.db.prisma, userId) : null;
    if (!user || user.status !== "active" || !factor) {
      throw new AppError("unauthenticated", "This sign-in can no longer be completed. Sign in again.");
    }
    await assertMaySignIn(deps, user.email, ip);
    const code = cleanCode(typed);
    const now = deps.clock.now();
    if (looksLikeRecoveryCode(code)) {
      if (!(await useRecoveryCode(deps.db.prisma, user.id, sha256(code), now))) {
        await refuse(deps, user, ip, "That recovery code is not one of yours, or it was used already. Each works once.");
      }
      await completeSignIn(deps, user, ip, "recovery code");
      return { user, recoveryCodesLeft: await countUnusedRecoveryCodes(deps.db.prisma, user.id) };
    }
    const step = acceptedStep(factor.secret, code, now, null);
    if (step === null) {
      await refuse(
        deps,
        user,
        ip,
        /^\d{6}$/.test(code)
          ? "That code is not right. Enter the six-digit code your authenticator app shows now."
          : "Enter the six-digit code from your authenticator app, or one of your recovery codes (four groups of four letters and digits).",
      );
    }
    if (!(await claimStep(deps.db.prisma, user.id, step!))) {
      await refuse(deps, user, ip, "That code was used already. Wait for the next code in your authenticator app and enter it.");
    }
    await completeSignIn(deps, user, ip, "code");
    return { user, recoveryCodesLeft: null };
  });
}

/** Counts a refused code against the client and the account, audits it, and throws the reason. */
async function refuse(deps: Deps, user: User, ip: string | null, message: string): Promise<never> {
  await recordFailedSignIn(deps, user.email, ip);
  await deps.db.prisma.$transaction((tx) =>
    recordAudit(
      deps.db,
      tx,
      { userId: user.id, label: user.email, ip },
      { action: "auth.code_failed", entityType: "user", entityId: user.id },
      deps.clock,
    ),
  );
  throw new AppError("unauthenticated", message);
}
