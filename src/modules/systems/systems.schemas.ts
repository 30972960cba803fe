import { z } from "zod";

export const systemStatuses = ["compromised", "suspected", "clean", "rebuilt"] as const;
export type SystemStatus = (typeof systemStatuses)[number];

export const systemStatusLabels: Record<SystemStatus, string> = {
  compromised: "Compromised",
  suspected: "Suspected",
  clean: "Clean",
  rebuilt: "Rebuilt",
};

const optionalText = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `${what} has at most ${max} characters.` })
    .default("");

/** A host or service involved in an incident, as the add and edit forms send it. */
export const systemSchema = z.object({
  name: z
    .string({ message: "Enter the system's name." })
    .trim()
    .min(1, { message: "Enter the system's name." })
    .max(120, { message: "A name has at most 120 characters." }),
  role: optionalText(200, "The role"),
  compromiseMethod: optionalText(1000, "How it was compromised"),
  status: z.enum(systemStatuses, { message: "Choose compromised, suspected, clean or rebuilt." }),
  notes: optionalText(4000, "The notes"),
});

export type SystemInput = z.infer<typeof systemSchema>;
