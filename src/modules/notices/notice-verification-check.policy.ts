/**
 * The content check's one item that is no law's: with a public site (PUBLIC_URL), a notice
 * carries its verification code, so a person can tell it from a fake (decision 0019). Pure.
 */

import { findPlaceholders, type NoticeWords, sectionKeys, sectionLabels } from "./notice-content.policy.js";
import type { RegimeContentCheck } from "./notice-content-check.policy.js";

const section = (key: keyof typeof sectionLabels) => `"${sectionLabels[key]}"`;

/** Whether the subject or a section of a version writes {{verification.code}} (any case and spacing). */
function hasVerificationCode(words: NoticeWords): boolean {
  return [words.subject, ...sectionKeys.map((key) => words.sections[key])].some((text) =>
    findPlaceholders(text).known.some((ref) => ref.name === "verification.code"),
  );
}

/** The check's word for the verification code: not a law's, the site's own (decision 0019). */
export const VERIFICATION_CHECK = { ruleId: "verification", regimeCode: "Breachdesk" } as const;

/** With a public site, the notice carries its verification code, so a person can tell it from a fake. */
export function verificationCheck(words: NoticeWords, publicSite: string): RegimeContentCheck {
  const isMet = hasVerificationCode(words);
  return {
    obligationId: "",
    ...VERIFICATION_CHECK,
    regime: "Is this notice genuine? (the public site is set)",
    party: "individuals",
    items: [
      {
        key: "verification:code",
        label: "The notice's verification code, {{verification.code}}",
        basis: `PUBLIC_URL is ${publicSite}: people check a code at ${publicSite}/verify`,
        kind: "automatic",
        isMet,
        fix: isMet
          ? ""
          : `Write {{verification.code}} in the notice, e.g. in ${section("learnMore")}: "To check this notice is genuine, enter the code {{verification.code}} at {{verification.url}}."`,
        sections: ["learnMore"],
      },
    ],
    note: "",
  };
}
