import { z } from "zod";
import { incidentStatuses } from "../incidents/index.js";

/** Empty query values mean "not given", as in a filter left at "All". */
const blankAsMissing = (value: unknown) => (value === "" ? undefined : value);

const yearMessage = "Give the year as four digits, e.g. 2026, or leave it empty for every year.";

/**
 * The register's filter (the page's form, the CSV link and the API's query): a year (of the
 * incident's reference) and a status, each optional. A bad value is refused with a message
 * naming what to give, never dropped, so a typo does not silently widen the register.
 */
export const registerFilterSchema = z.object({
  year: z.preprocess(
    blankAsMissing,
    z.coerce
      .number({ message: yearMessage })
      .int({ message: yearMessage })
      .min(1970, { message: yearMessage })
      .max(9999, { message: yearMessage })
      .optional(),
  ),
  status: z.preprocess(
    blankAsMissing,
    z
      .enum(incidentStatuses, { message: `Use one status: ${incidentStatuses.join(", ")}, or leave it empty for all.` })
      .optional(),
  ),
});
export type RegisterFilter = z.infer<typeof registerFilterSchema>;
