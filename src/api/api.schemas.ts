import { z } from "zod";
import { incidentStatuses } from "../modules/incidents/incident-lifecycle.js";
import { listSorts, severities } from "../modules/incidents/incidents.schemas.js";

const pageFields = {
  limit: z.coerce
    .number({ message: "Give limit as a whole number from 1 to 100." })
    .int({ message: "Give limit as a whole number from 1 to 100." })
    .min(1, { message: "Give limit as a whole number from 1 to 100." })
    .max(100, { message: "Give limit as a whole number from 1 to 100." })
    .default(50),
  offset: z.coerce
    .number({ message: "Give offset as a whole number, 0 or more." })
    .int({ message: "Give offset as a whole number, 0 or more." })
    .min(0, { message: "Give offset as a whole number, 0 or more." })
    .max(10_000_000, { message: "That offset is past any list." })
    .default(0),
};

/** limit and offset of a list endpoint: 50 items from the start unless asked otherwise. */
export const pageQuerySchema = z.object(pageFields);

/** Empty query values mean "not given", as in a form left blank. */
const blankAsMissing = (value: unknown) => (value === "" ? undefined : value);

/**
 * The incident list's query. Unlike the web filter form, which drops a bad value, the API
 * refuses it with a message, so a typo in a script does not silently widen the result.
 */
export const incidentListQuerySchema = z.object({
  status: z.preprocess(
    blankAsMissing,
    z
      .enum([...incidentStatuses, "open", "all"], {
        message: `Use open (the default), all, or one status: ${incidentStatuses.join(", ")}.`,
      })
      .default("open"),
  ),
  severity: z.preprocess(blankAsMissing, z.enum(severities, { message: `Use one of ${severities.join(", ")}.` }).optional()),
  q: z.preprocess(
    blankAsMissing,
    z.string({ message: "Give q once." }).trim().max(200, { message: "Search with at most 200 characters." }).optional(),
  ),
  owner: z.preprocess(
    blankAsMissing,
    z.string({ message: "Give owner once." }).trim().max(64, { message: "Give a user id, or none." }).optional(),
  ),
  overdue: z.preprocess(
    blankAsMissing,
    z
      .enum(["true", "false"], { message: "Use true or false." })
      .optional()
      .transform((v) => v === "true"),
  ),
  sort: z.preprocess(blankAsMissing, z.enum(listSorts, { message: `Use one of ${listSorts.join(", ")}.` }).default("updated")),
  ...pageFields,
});
export type IncidentListQuery = z.infer<typeof incidentListQuerySchema>;
