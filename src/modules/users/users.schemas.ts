import { z } from "zod";
import { isValidZone } from "../../lib/instants.js";
import { safeText } from "../../lib/validation.js";

export const roles = ["admin", "manager", "viewer"] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  admin: "Administrator: users, settings and everything else",
  manager: "Incident manager: works incidents",
  viewer: "Viewer: reads only",
};

/** Lower-cased and trimmed: how e-mail addresses are stored and compared. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const emailField = z
  .string({ message: "Enter an e-mail address." })
  .trim()
  .min(1, { message: "Enter an e-mail address." })
  .max(254, { message: "An e-mail address has at most 254 characters." })
  .email({ message: "Enter an e-mail address like name@example.org." })
  .transform(normaliseEmail);

export const nameField = z
  .string({ message: "Enter a name." })
  .trim()
  .min(1, { message: "Enter a name." })
  .max(120, { message: "A name has at most 120 characters." })
  .superRefine(safeText("The name", "line"));

export const roleField = z.enum(roles, { message: "Choose admin, manager or viewer." });

/** The IANA zone a user reads instants in. */
export const timeZoneField = z
  .string({ message: "Choose a time zone." })
  .trim()
  .refine(isValidZone, { message: "Choose a time zone from the list, e.g. Australia/Sydney." });

/** At least 12 characters: length is what makes a password strong; no composition rules. */
export const passwordField = z
  .string({ message: "Enter a password." })
  .min(12, { message: "Use at least 12 characters." })
  .max(256, { message: "Use at most 256 characters." });

export const newPasswordSchema = z
  .object({ password: passwordField, confirm: z.string().optional() })
  .refine((v) => v.confirm === undefined || v.confirm === v.password, {
    message: "The two passwords differ.",
    path: ["confirm"],
  });

export const setupSchema = z
  .object({
    name: nameField,
    email: emailField,
    password: passwordField,
    confirm: z.string(),
    timeZone: timeZoneField.optional(),
  })
  .refine((v) => v.confirm === v.password, { message: "The two passwords differ.", path: ["confirm"] });

/** A new user; without a time zone they get the inviter's (see defaultZoneOf). */
export const createUserSchema = z.discriminatedUnion("method", [
  z.object({
    name: nameField,
    email: emailField,
    role: roleField,
    timeZone: timeZoneField.optional(),
    method: z.literal("invite"),
  }),
  z.object({
    name: nameField,
    email: emailField,
    role: roleField,
    timeZone: timeZoneField.optional(),
    method: z.literal("password"),
    password: passwordField,
  }),
]);

export const loginSchema = z.object({
  email: z
    .string()
    .trim()
    .min(1, { message: "Enter your e-mail address." })
    .max(254)
    .superRefine(safeText("The e-mail address", "line"))
    .transform(normaliseEmail),
  password: z.string().min(1, { message: "Enter your password." }).max(256),
});

export type SetupInput = z.infer<typeof setupSchema>;
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const forgotPasswordSchema = z.object({ email: emailField });
