// Runs several test files in one process, for scripts/run-tests.mjs: `node --test` gives each file
// a process of its own, and starting one (tsx, the app's modules, Prisma's clients) cost more CPU
// than most files' tests. Each file is imported inside a suite named by its path, so its suites,
// tests and top-level hooks stay together under that name, run one file after another, and a
// failure names its file. Tests already own what they use (a fresh database, servers on port 0),
// so they do not share anything but the loaded modules.
import { relative } from "node:path";
import { describe } from "node:test";
import { pathToFileURL } from "node:url";
import { root } from "./schema-paths.mjs";

/** Declares one suite per file (absolute paths), each importing its file and given at most timeoutMs. */
export function runTestFiles(files, timeoutMs = Number.POSITIVE_INFINITY) {
  for (const file of files) describe(relative(root, file), { timeout: timeoutMs }, () => import(pathToFileURL(file).href));
}

/** The text of an entry module that runs the files in one process, each for at most timeoutMs. */
export function batchEntry(files, timeoutMs) {
  return [
    "// Made by scripts/run-tests.mjs: these test files run in one process.",
    `import { runTestFiles } from ${JSON.stringify(import.meta.url)};`,
    `runTestFiles(${JSON.stringify(files, null, 2)}, ${JSON.stringify(timeoutMs)});`,
    "",
  ].join("\n");
}
