// The module dependency rule (issue 12; docs/ARCHITECTURE.md, "Dependency rule"), checked by
// `npm run lint`. Each rule's `comment` is its reason. Today's violations are listed in
// .dependency-cruiser-known-violations.json and ignored (--ignore-known); that list may only
// shrink: regenerate it after removing violations, never to let a new one in.
//
// A module is a folder src/modules/<name>/. Its face, what code outside it may import, is its
// index.ts. The wiring places (the entries, app.ts, the worker's job registry and the incident
// page's section list) are the only code that puts modules together; they may also import a
// module's routes (*.routes.ts), incident section (*.section.ts) and job definitions (*.job.ts).
// Cycles between modules are checked on folders by .dependency-cruiser-module-cycles.cjs.

/** The wiring places: they import modules' routes, sections and jobs to put the app together. */
const wiring = [
  "^src/(app|server|worker|boot)\\.ts$",
  "^src/cli/main\\.ts$",
  "^src/jobs/registry\\.ts$",
  "^src/incident-sections\\.ts$",
  "^src/incident-events\\.ts$",
];

/** A module's face: the one file other code imports from it. */
const face = "^src/modules/[^/]+/index\\.ts$";

/** What a wiring place may import from a module besides its face. */
const wiringFaces = "^src/modules/[^/]+/([^/]+\\.(routes|section|job)|index)\\.ts$";

/** Files that hold queries: repositories, raw SQL, the database layer and the Prisma clients. */
const dataAccess = [
  "\\.repository\\.ts$",
  "\\.sql\\.ts$",
  "^src/db/",
  "^src/generated/",
  "(^|/)node_modules/@prisma/",
  "(^|/)node_modules/\\.prisma/",
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "handler-not-to-data",
      severity: "error",
      comment:
        "Handlers, routes and incident sections parse, call a service and render; only a module's services reach its repositories and SQL, so data access keeps one place per module and its transactions.",
      from: { path: "\\.(handlers|routes|section)\\.ts$" },
      to: { path: dataAccess },
    },
    {
      name: "not-to-other-module-internals",
      severity: "error",
      comment:
        "A module uses another only through its index.ts, so each module can change its files, repositories and SQL without breaking the others.",
      from: { path: "^src/modules/([^/]+)/", pathNot: wiring },
      to: { path: "^src/modules/", pathNot: ["^src/modules/$1/", face] },
    },
    {
      name: "outside-not-to-module-internals",
      severity: "error",
      comment:
        "Code outside the modules (api, web, jobs, mail, db, cli commands) uses a module only through its index.ts, like another module would.",
      from: { path: "^src/", pathNot: [...wiring, "^src/modules/", "^src/generated/"] },
      to: { path: "^src/modules/", pathNot: face },
    },
    {
      name: "wiring-only-through-faces",
      severity: "error",
      comment:
        "The wiring places put modules together from their index.ts, routes, incident sections and job definitions; reaching a repository or a service's file from there is a module's work done outside it.",
      from: { path: wiring },
      to: { path: "^src/modules/", pathNot: [wiringFaces, "^src/modules/incidents/incident-section\\.ts$"] },
    },
    {
      name: "data-not-to-web",
      severity: "error",
      comment:
        "Repositories, SQL and services never see a request: they take plain values, so jobs, the command line and the API can call them too.",
      from: { path: "\\.(repository|sql|service)\\.ts$" },
      to: {
        path: [
          "\\.(handlers|routes)\\.ts$",
          "^src/web/",
          "(^|/)node_modules/(express|express-session|busboy|@types/(express|express-session|busboy))/",
        ],
      },
    },
  ],
  options: {
    doNotFollow: { path: ["node_modules", "^src/generated/"] },
    // Unit tests beside the code may reach a module's internals to test them; test/ and bench/ are not cruised.
    exclude: { path: ["\\.test\\.ts$"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    skipAnalysisNotInRules: true,
  },
};
