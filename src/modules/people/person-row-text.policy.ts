import { findUnsafeCharacter, unsafeCharacterMessage } from "../../lib/text-safety.js";
import type { PersonField } from "./person-fields.policy.js";
import type { RejectReason } from "./person-row.policy.js";

/** Values that may span lines: a postal address, a column kept as free data. The others are one line. */
const MULTI_LINE_FIELDS = new Set<PersonField>(["postalAddress", "attribute"]);

/**
 * Why a row's value cannot be stored as typed, with the words for the error report naming its
 * column: a control character (PostgreSQL refuses NUL, and none belongs in a name or an address)
 * or an invisible formatting character that would disguise the text in a notice
 * (lib/text-safety.ts: a right-to-left override, a zero-width space). Nothing is stripped:
 * the row is rejected and reported, so the person is fixed in the file and imported again.
 */
export function hiddenCharacterOf(
  value: string,
  field: PersonField,
  header: string,
): { reason: Extract<RejectReason, "control_character" | "hidden_character">; note: string } | undefined {
  const found = findUnsafeCharacter(value, MULTI_LINE_FIELDS.has(field) ? "long" : "line");
  if (!found) return undefined;
  const note = unsafeCharacterMessage(`The ${header} column`, found);
  return { reason: found.kind === "control" ? "control_character" : "hidden_character", note };
}
