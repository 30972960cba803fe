// Reads a V8 CPU profile (.cpuprofile, as bench/send.ts writes with BENCH_CPU_PROFILE) and prints
// where its time went: self time by function and by package or source folder, the top lines of
// each, with the idle share. Run: node bench/profile-summary.mjs file.cpuprofile [lines]
import { readFileSync } from "node:fs";

const [file, lines = "25"] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${line}\n`);
if (!file) {
  process.stderr.write("usage: node bench/profile-summary.mjs <file.cpuprofile> [lines]\n");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8"));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
profile.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);

/** A package (node_modules/<name>), a source folder of ours, or node's own internals. */
function placeOf(url) {
  if (!url) return "(native or VM)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith("node:")) return url;
  const ours = /\/(src|bench|test)\/(.*)\/[^/]+$/.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url.replace(/^.*\//, "");
}

const byFunction = new Map();
const byPlace = new Map();
for (const [id, us] of self) {
  const { callFrame } = nodes.get(id);
  const name = `${callFrame.functionName || "(anonymous)"} ${placeOf(callFrame.url)}:${callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  const place = callFrame.url ? placeOf(callFrame.url) : callFrame.functionName;
  byPlace.set(place, (byPlace.get(place) ?? 0) + us);
}
const show = (title, map) => {
  say(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(lines)))
    say(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
};
say(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
show("self time by place", byPlace);
show("self time by function", byFunction);
