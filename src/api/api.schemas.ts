import { z } from "zod";
import { findUnsafeCharacter } from "../lib/text-safety.js";
import { safeText } from "../lib/validation.js";
import { incidentStatuses, listSorts, severities } from "../modules/incidents/index.js";

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
    z
      .string({ message: "Give q once." })
      .trim()
      .max(200, { message: "Search with at most 200 characters." })
      .superRefine(safeText("The search", "line"))
      .optional(),
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

/** Column header -> field of a people import: at most 500 columns, named in at most 200 characters. */
const mappingSchema = z
  .record(
    z.string().max(200, { message: "A column name has at most 200 characters." }),
    z.string({ message: "Give each column's field as text, e.g. email." }).max(40, { message: "That is not a field name." }),
  )
  .refine((m) => Object.keys(m).length <= 500, { message: "Map at most 500 columns." });

/** One map=column=field query parameter, or several: a mapping, or a message saying how to write one. */
const mapParamSchema = z
  .union([z.string(), z.array(z.string())], { message: "Give each map as column=field, e.g. map=E-Mail%3Demail." })
  .optional()
  .transform((value, ctx) => {
    const mapping: Record<string, string> = {};
    for (const entry of value === undefined ? [] : Array.isArray(value) ? value : [value]) {
      const eq = entry.lastIndexOf("=");
      if (eq <= 0 || eq === entry.length - 1 || entry.length > 250) {
        ctx.addIssue({ code: "custom", message: `"${entry.slice(0, 60)}" is not column=field, e.g. map=E-Mail%3Demail.` });
        return z.NEVER;
      }
      mapping[entry.slice(0, eq).trim()] = entry.slice(eq + 1).trim();
    }
    return mapping;
  });

/**
 * The query of a people upload: the file's name as people know it, whether to start the
 * import at once (default) or only upload it to review the proposed mapping, and the mapping
 * of columns the guesses would get wrong.
 */
export const peopleUploadQuerySchema = z.object({
  fileName: z.preprocess(
    blankAsMissing,
    z
      .string({ message: "Give fileName once." })
      .trim()
      .max(255, { message: "A file name has at most 255 characters." })
      .refine((v) => !findUnsafeCharacter(v, "line"), {
        message: "A file name cannot hold control characters or invisible formatting characters.",
      })
      .default("upload.csv"),
  ),
  start: z.preprocess(
    blankAsMissing,
    z
      .enum(["true", "false"], { message: "Use true (upload and start, the default) or false (upload only)." })
      .default("true")
      .transform((v) => v === "true"),
  ),
  map: mapParamSchema,
});

/** The body of POST .../imports/{id}/start: an optional mapping of columns to fields. */
export const peopleImportStartSchema = z.object({ mapping: mappingSchema.optional() });
