// What the API's verification endpoint reads and answers (issue 14, item 4; decision 0019), as
// zod (v4) schemas for the OpenAPI document.
import { z } from "zod/v4";
import { EXAMPLE_CODE } from "../modules/verification/index.js";
import { named } from "./api-responses.schemas.js";

export const verifyBody = named(
  "VerifyBody",
  "A notice's verification code as printed in it; any letter case, dashes and spaces, O for 0 and I or L for 1.",
  z.object({
    code: z
      .string()
      .max(100)
      .meta({ examples: [EXAMPLE_CODE] }),
  }),
);

export const verifyAnswer = named(
  "VerifyAnswer",
  "Whether Breachdesk sent a notice with the code. The same fields whatever the answer (null when not sent); never the person's name or address.",
  z
    .object({
      code: z.string().meta({ description: "The code as read, in its printed form", examples: [EXAMPLE_CODE] }),
      isGenuine: z.boolean().meta({ description: "true: a notice with this code was sent (or is being sent)" }),
      organisation: z.string().nullable().meta({ description: "The name of the organisation it came from" }),
      incidentReference: z
        .string()
        .nullable()
        .meta({ description: "The incident's reference, which the notice quotes", examples: ["BD-2026-0007"] }),
      sentOn: z.string().nullable().meta({ format: "date", description: "The day it was sent, in the incident's time zone" }),
      publicReportUrl: z.string().nullable().meta({ description: "The incident's published public report, when there is one" }),
    })
    .strict(),
);
