// The house's file rules (issue 12; docs/ARCHITECTURE.md, "Dependency rule"), checked by
// `npm run lint` beside the dependency rule:
// - every TypeScript file in a module says by its suffix what it may touch (ROLES below), so a
//   reader knows before opening it whether it queries the database, answers requests or only
//   decides;
// - no hand-written file under src/ is over MAX_LINES lines (the generated Prisma clients aside).
// Usage: node scripts/check-module-files.mjs [root]   (exit 1 with one line per broken rule)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** The roles a module file may have, by suffix, and what each may touch. */
export const ROLES = {
  service: "the module's work: uses its repositories, SQL and other modules' faces",
  "use-case": "one story from a request to the database, read top to bottom",
  repository: "Prisma queries of the module's own tables",
  sql: "raw SQL of the module's own tables, one function per provider where the SQL differs",
  handlers: "Express handlers: read the request, call services, render or answer; never the database",
  routes: "the module's router: paths, guards and handlers",
  middleware: "request plumbing before the handlers (upload bodies, rate limits)",
  schemas: "zod schemas of the module's input",
  policy: "pure rules and formats: no database, no network, no clock of its own",
  job: "job definitions for the worker: id, payload schema, handler",
  section: "the module's part of the incident workspace",
  client: "a client of an outside server (the bounce mailbox)",
  types: "types only",
};
export const MAX_LINES = 300;

const roleSuffix = new RegExp(`\\.(${Object.keys(ROLES).join("|")})(\\.test)?\\.ts$`);
/** Files a module may hold besides role files: its face, a per-provider SQL file, tests of the face. */
const allowed = [/\/index\.ts$/, /\.(sqlite|postgresql)\.sql\.ts$/];

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** The broken rules under `root`, one sentence each. */
export function checkModuleFiles(root) {
  const problems = [];
  const src = join(root, "src");
  for (const path of walk(src)) {
    const file = relative(root, path);
    if (!file.endsWith(".ts") || file.startsWith("src/generated/")) continue;
    if (file.startsWith("src/modules/") && !roleSuffix.test(file) && !allowed.some((re) => re.test(file))) {
      problems.push(
        `${file}: a module file needs a role suffix (${Object.keys(ROLES).join(", ")}); see scripts/check-module-files.mjs`,
      );
    }
    const lines = readFileSync(path, "utf8").split("\n").length - 1;
    if (!file.endsWith(".test.ts") && lines > MAX_LINES) {
      problems.push(`${file}: ${lines} lines; split it so that no file in src/ is over ${MAX_LINES}`);
    }
  }
  return problems.sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = checkModuleFiles(process.argv[2] ?? process.cwd());
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) process.exit(1);
  console.log("✔ every module file has a role suffix; no file in src/ is over 300 lines");
}
