import type { z } from "zod";
import { AppError } from "./errors.js";
import { findUnsafeCharacter, type TextKind, unsafeCharacterMessage } from "./text-safety.js";

/**
 * Parses input with a schema; on failure throws a validation AppError whose fieldErrors hold
 * the first message for each field, for the form to show beside it.
 */
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    fieldErrors[field] ??= issue.message;
  }
  throw new AppError("validation", "Some fields need correcting.", fieldErrors);
}

/**
 * A refinement refusing the characters lib/text-safety.ts refuses, with a message naming the
 * field (label: "The title"); line: no line breaks, long: line breaks kept. Append it to a
 * string schema after its length checks: `.max(200).superRefine(safeText("The title", "line"))`.
 */
export function safeText(label: string, kind: TextKind) {
  return (value: string, ctx: z.RefinementCtx) => {
    const found = findUnsafeCharacter(value, kind);
    if (found) ctx.addIssue({ code: "custom", message: unsafeCharacterMessage(label, found) });
  };
}
