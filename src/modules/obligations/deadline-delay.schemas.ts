import { z } from "zod";
import { safeText } from "../../lib/validation.js";
import { DELAY_EVENT_KINDS } from "./deadline-delay.policy.js";

const line = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `${what} has at most ${max} characters.` })
    .superRefine(safeText(what, "line"))
    .default("");

/**
 * A delay or extension as the obligation's delays page and the API send it: what happened,
 * when (in the chosen zone), until when (the end the request or grant names; none for an
 * open-ended delay), who asked or granted, a reference and a link to the evidence.
 */
export const delayEventSchema = z.object({
  kind: z.enum(DELAY_EVENT_KINDS, {
    message:
      "Choose what happened: a law-enforcement delay, an Attorney General determination, an extension granted, or the delay lifted.",
  }),
  form: z.enum(["", "written", "oral"], { message: "Choose written or oral." }).default(""),
  at: z.string({ message: "Enter a date and time." }).default(""),
  atZone: z.string().trim().default("UTC"),
  until: z.string().trim().default(""),
  agency: line(200, "Who asked or granted").refine((v) => v !== "", {
    message: "Say who asked or granted it (e.g. FBI, the US Attorney General, the Data Protection Board).",
  }),
  reference: line(200, "The reference"),
  evidenceUrl: line(500, "The evidence link").refine((v) => v === "" || /^https?:\/\/\S+$/i.test(v), {
    message: "The evidence link is an address starting with https:// (or leave it empty).",
  }),
  note: line(1000, "The note"),
});
export type DelayEventInput = z.infer<typeof delayEventSchema>;
