import type { z } from "zod";
import { AppError } from "./errors.js";

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
