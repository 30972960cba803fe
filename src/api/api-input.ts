import type { z } from "zod/v4";
import { AppError } from "../lib/errors.js";

/**
 * Reads a body with one of the API's own (zod v4) schemas; on failure throws the validation
 * error the API answers with 400, one message per field, as parseInput does for the forms.
 */
export function parseApiBody<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) fieldErrors[String(issue.path[0] ?? "body")] ??= issue.message;
  throw new AppError("validation", "Some fields need correcting.", fieldErrors);
}

/**
 * The error with its fields named as the API names them (the module's form calls them
 * otherwise), for the caller to throw; any other error comes back unchanged.
 */
export function renameFields(error: unknown, names: Record<string, string>): unknown {
  if (error instanceof AppError && Object.keys(error.fieldErrors).some((field) => field in names)) {
    const fields = Object.fromEntries(
      Object.entries(error.fieldErrors).map(([field, message]) => [names[field] ?? field, message]),
    );
    return new AppError(error.code, error.message, fields);
  }
  return error;
}
