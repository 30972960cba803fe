// Cycles between modules (issue 12; docs/ARCHITECTURE.md, "Dependency rule"), checked by
// `npm run lint` beside .dependency-cruiser.cjs. Folder scope makes each src/modules/<name>/ one
// node, so a cycle counts when module A uses B and B uses A through any of their files, even when
// no file-level cycle exists. The graph holds only the modules' own files: the wiring places import
// many modules by design, and the shared layers (jobs, web, db, mail) are not modules, so a path
// through them is not a cycle between modules (the folder graph would lump jobs/registry.ts, which
// imports modules, with jobs/index.ts, which modules import).

/**
 * Today's cycles, as the module-to-module edges that lie on one: module -> modules it still uses
 * although they use it back. Remove an edge when its cycle is broken (the rule's test fails on an
 * edge that no longer lies on a cycle); never add one. A file of its own rather than
 * .dependency-cruiser-known-violations.json because dependency-cruiser 17 does not apply
 * --ignore-known to folder-scope rules (src/analyze/soften-known-violations.mjs: "TODO: folder
 * level violations").
 */
const knownModuleCycles = require("./.dependency-cruiser-known-module-cycles.json");

const comment =
  "Modules form layers: when two use each other neither can be understood, tested or changed alone, so one must give way (move the shared part down, or pass a function in).";
const folder = (names) => `^src/modules/(${names.join("|")})$`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-module-cycle",
      severity: "error",
      comment,
      scope: "folder",
      from: { path: "^src/modules/[^/]+$", pathNot: folder(Object.keys(knownModuleCycles)) },
      to: { path: "^src/modules/[^/]+$", circular: true },
    },
    ...Object.entries(knownModuleCycles).map(([from, known]) => ({
      name: "no-module-cycle",
      severity: "error",
      comment,
      scope: "folder",
      from: { path: folder([from]) },
      to: { path: "^src/modules/[^/]+$", pathNot: folder(known), circular: true },
    })),
  ],
  options: {
    includeOnly: "^src/modules/",
    exclude: { path: ["\\.test\\.ts$", "^src/incident-sections\\.ts$"] },
    doNotFollow: { path: ["node_modules"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    skipAnalysisNotInRules: true,
  },
};
