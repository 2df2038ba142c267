import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Summarises the largest .cpuprofile in a directory (the main thread's; tsx's loader thread writes a small
 * one): the top frames by self time, and by inclusive time (a frame counted once per sample, however deep
 * it recurses).
 *   node --import tsx scripts/top-frames.ts /tmp/prof [count]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [directory = ".", countText = "25"] = process.argv.slice(2);
const largest = readdirSync(directory)
  .filter((file) => file.endsWith(".cpuprofile"))
  .sort((a, b) => statSync(join(directory, a)).size - statSync(join(directory, b)).size)
  .pop();
if (!largest) throw new Error(`no .cpuprofile in ${directory}`);
const profile = JSON.parse(readFileSync(join(directory, largest), "utf8")) as CpuProfile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const frameName = (node: ProfileNode) => {
  const file = node.callFrame.url.split("/").slice(-2).join("/");
  return `${node.callFrame.functionName || "(anonymous)"} ${file}:${node.callFrame.lineNumber + 1}`;
};

const selfTime = new Map<string, number>();
const inclusiveTime = new Map<string, number>();
let total = 0;
profile.samples.forEach((sample, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  total += delta;
  const node = byId.get(sample);
  if (!node) return;
  selfTime.set(frameName(node), (selfTime.get(frameName(node)) ?? 0) + delta);
  const seen = new Set<string>();
  for (let current: number | undefined = sample; current !== undefined; current = parentOf.get(current)) {
    const frame = byId.get(current);
    if (!frame) break;
    const name = frameName(frame);
    if (!seen.has(name)) inclusiveTime.set(name, (inclusiveTime.get(name) ?? 0) + delta);
    seen.add(name);
  }
});

const top = (times: Map<string, number>) =>
  [...times]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(countText))
    .map(([name, time]) => `${((time / total) * 100).toFixed(1).padStart(6)}%  ${name}`)
    .join("\n");
process.stdout.write(`${largest}: ${(total / 1000).toFixed(0)} ms sampled\n`);
process.stdout.write(`\nSelf time\n${top(selfTime)}\n\nInclusive time\n${top(inclusiveTime)}\n`);
