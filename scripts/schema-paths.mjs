// Paths shared by the schema and migration scripts.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const providers = ["sqlite", "postgresql"];

/** The schema that the committed migrations of a provider lead to. */
export function snapshotPath(provider) {
  return join(root, "prisma", provider, "migrations", "schema-at-last-migration.prisma");
}
