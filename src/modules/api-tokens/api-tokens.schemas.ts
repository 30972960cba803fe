import { z } from "zod";
import { safeText } from "../../lib/validation.js";

export const apiTokenNameField = z
  .string({ message: "Enter a name for the token." })
  .trim()
  .min(1, { message: "Enter a name for the token, e.g. the tool that will use it." })
  .max(80, { message: "A token name has at most 80 characters." })
  .superRefine(safeText("The token name", "line"));

/** What a token may do: act as its owner ("full"), or only read ("read_only": GET requests). */
export const apiTokenScopes = ["full", "read_only"] as const;
export type ApiTokenScope = (typeof apiTokenScopes)[number];

export const createApiTokenSchema = z.object({
  name: apiTokenNameField,
  /** The last day the token works, in its owner's time zone; empty: it does not expire. */
  expiresOn: z
    .string()
    .trim()
    .regex(/^(\d{4}-\d{2}-\d{2})?$/, { message: "Enter the expiry date as a date, e.g. 2027-03-31, or leave it empty." })
    .optional()
    .transform((v) => v || null),
  scope: z.enum(apiTokenScopes, { message: "Choose what the token may do: full or read only." }).default("full"),
});

/** A new token: its name, and optionally its last day and scope (the command line and tests give only a name). */
export type CreateApiTokenInput = Pick<z.infer<typeof createApiTokenSchema>, "name"> &
  Partial<Omit<z.infer<typeof createApiTokenSchema>, "name">>;
