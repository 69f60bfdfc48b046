import { readFileSync } from 'node:fs';

/**
 * The top frames of a V8 CPU profile (`node --cpu-prof`) by self time, and the same time summed by package, so a
 * bench's profile can be read without DevTools.
 *   npx tsx bench/support/profile-top.ts <file.cpuprofile> [--top 25]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [--top N]');
const topIndex = process.argv.indexOf('--top');
const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 25;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

function where(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url;
  const src = /\/(src|bench|sandbox)\/(.*)$/.exec(url);
  return src ? `${src[1]}/${src[2]}` : url || '(native)';
}

const frames = new Map<string, number>();
const places = new Map<string, number>();
let total = 0;
for (const [id, micros] of selfMicros) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  total += micros;
  const key = `${functionName || '(anonymous)'}  ${where(url)}${url ? `:${lineNumber + 1}` : ''}`;
  frames.set(key, (frames.get(key) ?? 0) + micros);
  places.set(where(url), (places.get(where(url)) ?? 0) + micros);
}

const print = (title: string, rows: Map<string, number>) => {
  console.log(title);
  for (const [key, micros] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${key}`);
  }
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
print('self time by frame', frames);
print('self time by package', places);
