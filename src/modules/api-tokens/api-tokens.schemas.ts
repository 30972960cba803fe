import { z } from "zod";
import { safeText } from "../../lib/validation.js";

export const apiTokenNameField = z
  .string({ message: "Enter a name for the token." })
  .trim()
  .min(1, { message: "Enter a name for the token, e.g. the tool that will use it." })
  .max(80, { message: "A token name has at most 80 characters." })
  .superRefine(safeText("The token name", "line"));

export const createApiTokenSchema = z.object({ name: apiTokenNameField });

export type CreateApiTokenInput = z.infer<typeof createApiTokenSchema>;
