import type { Request, Response } from "express";
import { AppError } from "../lib/errors.js";

/** The text fields a form sent (without the CSRF token and the omitted ones), to show them again. */
export function formValues(req: Request, omit: string[] = []): Record<string, string> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(body).filter(([k, v]) => typeof v === "string" && !omit.includes(k) && k !== "_csrf"),
  ) as Record<string, string>;
}

/** Codes of refusals a person can fix on the form itself; anything else goes to the error page. */
const FORM_CODES = ["validation", "conflict", "unauthenticated", "rate_limited", "not_found", "unavailable"];

/**
 * Re-renders a form with the service's message and a message per field when the service
 * refused the input; rethrows anything else.
 */
export function renderFormError(res: Response, view: string, error: unknown, locals: Record<string, unknown>): void {
  if (!(error instanceof AppError) || !FORM_CODES.includes(error.code)) throw error;
  res.status(error.status).render(view, { ...locals, error: error.message, fieldErrors: error.fieldErrors });
}

/**
 * Like renderFormError, for validation and conflict refusals only, loading the form's locals
 * only when they are needed (most requests succeed).
 */
export async function renderRefusal(
  res: Response,
  view: string,
  error: unknown,
  loadLocals: () => Promise<Record<string, unknown>>,
): Promise<void> {
  if (!(error instanceof AppError) || (error.code !== "validation" && error.code !== "conflict")) throw error;
  renderFormError(res, view, error, await loadLocals());
}
