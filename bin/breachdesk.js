#!/usr/bin/env node
// The `breachdesk` command. Runs the TypeScript sources through tsx, so the command always
// matches the code checked out, built or not.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
