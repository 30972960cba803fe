import { z } from "zod";
import { incidentStatuses } from "./incident-lifecycle.policy.js";

/** A manager's answer to the status the work proposes: the proposal as shown, accepted or not. */
export const proposalAnswerSchema = z.object({
  answer: z.enum(["accept", "keep"], { message: "Choose Accept or Keep the current status." }),
  proposed: z.enum(incidentStatuses, { message: "The proposal is missing: reload the page." }),
});
