import { z } from "zod";

/** The evidence page's button: whether to include the names and addresses of the people concerned (a ticked box sends "yes"). */
export const evidencePackFormSchema = z.object({
  include_personal_data: z.enum(["yes"], { message: "Tick the box to include personal data, or leave it empty." }).optional(),
});

/** The API's request: a JSON body (POST) or the query (GET) with include_personal_data true or false. */
export const evidencePackApiSchema = z.object({
  include_personal_data: z
    .union([z.boolean(), z.enum(["true", "false"])], { message: "include_personal_data is true or false." })
    .transform((v) => v === true || v === "true")
    .default(false),
});
