import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { cruise, type IForbiddenRuleType, type IViolation } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { checkModuleFiles, MAX_LINES } from "../scripts/check-module-files.mjs";
import { projectRoot } from "./lib/paths.js";

// The module dependency rule that `npm run lint` checks (.dependency-cruiser.cjs and
// .dependency-cruiser-module-cycles.cjs; docs/ARCHITECTURE.md, "Dependency rule"): run with the
// project's own rule files on a fixture tree where each file breaks one rule or shows the allowed
// way, then on the project itself against its lists of known violations.

const fixture = join(projectRoot, "test/fixtures/dependency-rule");
const tsConfig = extractTSConfig(join(projectRoot, "tsconfig.json"));

interface CruiseOptions {
  forbidden?: (rules: IForbiddenRuleType[]) => IForbiddenRuleType[];
}

/** The violations `ruleFile` finds under `files` of `baseDir`, as "rule: from -> to". */
async function violations(ruleFile: string, baseDir: string, files: string[], options: CruiseOptions = {}) {
  const loaded = await extractDepcruiseOptions(join(projectRoot, ruleFile));
  const forbidden = loaded.ruleSet?.forbidden ?? [];
  const ruleSet = { ...loaded.ruleSet, forbidden: options.forbidden ? options.forbidden(forbidden) : forbidden };
  const { output } = await cruise(files, { ...loaded, ruleSet, baseDir }, {}, { tsConfig });
  assert.ok(typeof output === "object", "the cruise returns its result as an object");
  return output.summary.violations.map((v: IViolation) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

const knownModuleCycles: Record<string, string[]> = JSON.parse(
  readFileSync(join(projectRoot, ".dependency-cruiser-known-module-cycles.json"), "utf8"),
);

/** The cycle rule without its list of known cycles: the rule for modules not in the list, applied to all. */
function everyModuleCycle(rules: IForbiddenRuleType[]): IForbiddenRuleType[] {
  const [general] = rules;
  assert.ok(general && "from" in general, "the first cycle rule is the general one");
  return [{ ...general, from: { path: general.from.path } }];
}

describe("the module dependency rule", () => {
  it("reports each kind of bad import in the fixture tree by its rule, and none of the allowed ones", async () => {
    const found = await violations(".dependency-cruiser.cjs", fixture, ["src"]);
    assert.deepEqual(found, [
      "data-not-to-web: src/modules/reports/reports.repository.ts -> ../../../node_modules/express/index.js",
      "handler-not-to-data: src/modules/alpha/alpha.handlers.ts -> src/db/client.ts",
      "handler-not-to-data: src/modules/alpha/alpha.handlers.ts -> src/modules/alpha/alpha.repository.ts",
      "not-to-other-module-internals: src/modules/beta/beta.service.ts -> src/modules/alpha/alpha.repository.ts",
      "outside-not-to-module-internals: src/lib/alpha-count.ts -> src/modules/alpha/alpha.service.ts",
      "wiring-only-through-faces: src/app.ts -> src/modules/alpha/alpha.repository.ts",
    ]);
  });

  it("reports a cycle between two modules even when no file is on a cycle", async () => {
    const found = await violations(".dependency-cruiser-module-cycles.cjs", fixture, ["src/modules"]);
    assert.deepEqual(found, [
      "no-module-cycle: src/modules/cycle-one -> src/modules/cycle-two",
      "no-module-cycle: src/modules/cycle-two -> src/modules/cycle-one",
    ]);
  });

  it("finds nothing in the project beyond the known violations, and every known one is still there", async () => {
    const known: IViolation[] = JSON.parse(readFileSync(join(projectRoot, ".dependency-cruiser-known-violations.json"), "utf8"));
    const knownLines = new Set(known.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`));
    const found = await violations(".dependency-cruiser.cjs", projectRoot, ["src"]);
    assert.deepEqual(
      found.filter((line) => !knownLines.has(line)),
      [],
      "new violations: import the module's index.ts, or call a service instead",
    );
    // A known violation that is gone must leave the list, so it cannot come back unnoticed.
    assert.deepEqual(
      [...knownLines].filter((line) => !found.includes(line)),
      [],
      "known violations that no longer occur: run `npx depcruise-baseline src` (the list may only shrink)",
    );
  });

  it("finds exactly the known cycles between the project's modules", async () => {
    const found = await violations(".dependency-cruiser-module-cycles.cjs", projectRoot, ["src/modules"], {
      forbidden: everyModuleCycle,
    });
    const known = Object.entries(knownModuleCycles).flatMap(([from, to]) =>
      to.map((name) => `no-module-cycle: src/modules/${from} -> src/modules/${name}`),
    );
    assert.deepEqual(found, known.sort(), "a new cycle must be broken; a broken one leaves the known list");
  });

  it("names a module file without a role suffix and a file over 300 lines, and passes the project", () => {
    const root = mkdtempSync(join(tmpdir(), "breachdesk-files-"));
    try {
      mkdirSync(join(root, "src/modules/alpha"), { recursive: true });
      writeFileSync(join(root, "src/modules/alpha/index.ts"), "export {};\n");
      writeFileSync(join(root, "src/modules/alpha/alpha.service.ts"), "export {};\n");
      writeFileSync(join(root, "src/modules/alpha/alpha-rows.ts"), "export {};\n");
      writeFileSync(join(root, "src/app.ts"), "//\n".repeat(MAX_LINES + 1));
      assert.deepEqual(
        checkModuleFiles(root).map((problem) => problem.split(":")[0]),
        ["src/app.ts", "src/modules/alpha/alpha-rows.ts"],
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    assert.deepEqual(checkModuleFiles(projectRoot), []);
  });
});
