import { z } from "zod";
import { incidentAccessLevels, incidentRoles } from "./incident-access.policy.js";

/** Adding a member (or changing one's role): the page's form and the API share it. */
export const memberInputSchema = z.object({
  email: z
    .string({ message: "Enter the e-mail address of a user." })
    .trim()
    .min(1, { message: "Enter the e-mail address of a user." })
    .max(320, { message: "An e-mail address has at most 320 characters." }),
  role: z.enum(incidentRoles, { message: "Choose lead, manager or viewer." }),
});
export type MemberInput = z.infer<typeof memberInputSchema>;

/** Setting who reads the incident. */
export const accessInputSchema = z.object({
  access: z.enum(incidentAccessLevels, { message: "Choose restricted or open." }),
});
export type AccessInput = z.infer<typeof accessInputSchema>;
