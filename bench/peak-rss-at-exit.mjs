// Preloaded (node --import) into a process whose peak RSS bench/pack.ts reports: writes
// "peak-rss <bytes>" to stderr as the process exits, however it ends. VmHWM of
// /proc/self/status starts again at exec, so it is this process's own peak (not
// resourceUsage().maxRSS, which Linux carries over from the parent).
import { readFileSync, writeSync } from "node:fs";

process.on("exit", () => {
  const kb = readFileSync("/proc/self/status", "utf8").match(/^VmHWM:\s+(\d+) kB$/m);
  writeSync(2, `peak-rss ${kb ? Number(kb[1]) * 1024 : process.resourceUsage().maxRSS * 1024}\n`);
});
