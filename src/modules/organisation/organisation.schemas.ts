import { z } from "zod";
import { safeText } from "../../lib/validation.js";

const line = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `${label} has at most ${max} characters.` })
    .superRefine(safeText(label, "line"))
    .default("");

/**
 * An e-mail address people can write to: one address at a domain with a dot in it. A sender at
 * localhost or a bare host name is refused, since a notice from it looks like phishing and most
 * receivers refuse it anyway.
 */
const address = (label: string) =>
  line(254, label).refine(
    (value) => value === "" || /^[^\s@<>(),;:"[\]\\]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/.test(value),
    { message: `${label} must be one e-mail address at your organisation's domain, such as privacy@example.org.` },
  );

const phone = line(40, "The phone number").refine((value) => value === "" || /^\+?[0-9 ().-]{5,40}$/.test(value), {
  message: "The phone number may hold digits, spaces, brackets, dots and dashes, with a + first, such as +61 2 5550 0100.",
});

/** The organisation's profile as an administrator sets it. Only the name is needed to save it. */
export const profileSchema = z.object({
  name: line(200, "The organisation's name").refine((value) => value !== "", {
    message: "Enter the organisation's name, as the affected people know it.",
  }),
  address: z
    .string()
    .trim()
    .max(500, { message: "The postal address has at most 500 characters." })
    .superRefine(safeText("The postal address", "long"))
    .default(""),
  contactEmail: address("The contact e-mail address"),
  contactPhone: phone,
  privacyOfficer: line(200, "The privacy officer's name"),
  privacyOfficerEmail: address("The privacy officer's e-mail address"),
  website: line(300, "The website").refine((value) => value === "" || /^https?:\/\/[^\s/]+\.[^\s]+$/.test(value), {
    message: "The website must be an address such as https://example.org.",
  }),
  senderName: line(100, "The sender name"),
  senderAddress: address("The sender address"),
  replyTo: address("The Reply-To address"),
});

/** An incident's own sender and contact point; an empty field means the organisation's. */
export const overrideSchema = z.object({
  senderName: line(100, "The sender name"),
  senderAddress: address("The sender address"),
  replyTo: address("The Reply-To address"),
  contactEmail: address("The contact e-mail address"),
  contactPhone: phone,
});

export type ProfileInput = z.infer<typeof profileSchema>;
export type OverrideInput = z.infer<typeof overrideSchema>;
