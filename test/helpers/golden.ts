import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { projectRoot } from "../../src/lib/paths.js";

/** Where golden files live: reviewed output kept in the repository, compared byte for byte. */
const goldenDir = join(projectRoot, "test", "fixtures");

/**
 * Compares output with its golden file under test/fixtures. With UPDATE_GOLDEN=1 the file is
 * (re)written instead, to be reviewed in the diff and committed; a missing file is an error
 * otherwise, so a test can never pass by writing its own expectation.
 */
export function assertGolden(name: string, actual: string): void {
  const path = join(goldenDir, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  const shown = relative(projectRoot, path);
  assert.ok(existsSync(path), `${shown} is missing: run with UPDATE_GOLDEN=1 to write it, then review and commit it`);
  assert.equal(
    actual,
    readFileSync(path, "utf8"),
    `${shown} differs (if the change is intended, rerun with UPDATE_GOLDEN=1 and review the diff)`,
  );
}
