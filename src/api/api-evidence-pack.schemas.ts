// The evidence pack's API request (zod v4, for the OpenAPI document): the body of POST; GET
// reads the same key from its query.
import { z } from "zod/v4";
import { named } from "./api-responses.schemas.js";

export const evidencePackBody = named(
  "EvidencePackRequest",
  "What to put in the evidence pack: with or without the personal data of the people concerned.",
  z
    .object({
      include_personal_data: z
        .boolean({ message: "include_personal_data is true or false." })
        .default(false)
        .describe(
          "Include the names and addresses of the people concerned (the ledger's and the people told another way); audited.",
        ),
    })
    .strict(),
);
