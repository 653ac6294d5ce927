/**
 * `npm run bench:footprint`: what an embedder gets. Packs this checkout (`npm pack`), installs the
 * tarball with xstate into an empty temporary project (from the npm registry, as an embedder would),
 * and measures the packages installed (`npm ls --all`), the size of that node_modules, and the cold
 * import time of the package root against `mqtt` alone (fresh processes, alternating, medians).
 * Writes bench/results/footprint.json and prints the rows. `footprint()` is what `npm run bench` runs.
 */
import { execFile as execFileCb } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { median } from './stats.js';

const execFile = promisify(execFileCb);
const ROOT = process.cwd();
const IMPORT_RUNS = Number(process.env.FOOTPRINT_IMPORT_RUNS ?? 7);

export const FOOTPRINT_TARGETS = { packages: 55, megabytes: 40, importRatio: 1 } as const;

export interface FootprintResult {
  readonly name: 'footprint';
  readonly tarballKiB: number;
  readonly packages: number;
  readonly topLevel: readonly string[];
  /** Apparent size (the bytes of every file). */
  readonly megabytes: number;
  /** Disk usage as `du -sk` counts it (blocks), the measure the numbers use. */
  readonly diskMegabytes: number;
  readonly importMs: { readonly link: number; readonly mqtt: number; readonly linkRuns: readonly number[]; readonly mqttRuns: readonly number[] };
  readonly importRatio: number;
}

function sizeOf(path: string): number {
  const s = statSync(path, { throwIfNoEntry: false });
  if (!s) return 0;
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

/** Cold import of `specifier` in a fresh node process started in `dir`: milliseconds. */
async function importMs(dir: string, specifier: string): Promise<number> {
  const code = `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`;
  const { stdout } = await execFile(process.execPath, ['--input-type=module', '-e', code], { cwd: dir });
  return Number(stdout.trim());
}

export async function footprint(log: (line: string) => void = () => undefined): Promise<FootprintResult> {
  const work = mkdtempSync(join(tmpdir(), 'aclk-footprint-'));
  try {
    log('packing');
    const { stdout: packed } = await execFile('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT });
    const tarball = join(work, packed.trim().split('\n').pop() ?? '');
    const project = join(work, 'embedder');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'embedder', version: '1.0.0', private: true, type: 'module' })}\n`);
    log('installing the tarball with xstate into an empty project');
    await execFile('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball, 'xstate'], { cwd: project });
    const { stdout: ls } = await execFile('npm', ['ls', '--all', '--parseable'], { cwd: project });
    const paths = new Set(ls.split('\n').map((l) => l.trim()).filter((l) => l.includes('node_modules')));
    const topLevel = readdirSync(join(project, 'node_modules')).flatMap((name) =>
      name.startsWith('@') ? readdirSync(join(project, 'node_modules', name)).map((n) => `${name}/${n}`) : name.startsWith('.') ? [] : [name]);
    const { stdout: du } = await execFile('du', ['-sk', join(project, 'node_modules')]);
    const diskMegabytes = Math.round((Number.parseInt(du, 10) * 1024 / 1e6) * 10) / 10;
    const linkRuns: number[] = [];
    const mqttRuns: number[] = [];
    log(`import: ${IMPORT_RUNS} fresh processes each, alternating`);
    await importMs(project, 'agent-cloud-link'); // warm the file cache for both, not counted
    await importMs(project, 'mqtt');
    for (let i = 0; i < IMPORT_RUNS; i += 1) {
      linkRuns.push(await importMs(project, 'agent-cloud-link'));
      mqttRuns.push(await importMs(project, 'mqtt'));
    }
    const link = median(linkRuns);
    const mqtt = median(mqttRuns);
    return {
      name: 'footprint',
      tarballKiB: Math.round(statSync(tarball).size / 1024),
      packages: paths.size,
      topLevel: topLevel.sort(),
      megabytes: Math.round((sizeOf(join(project, 'node_modules')) / 1e6) * 10) / 10,
      diskMegabytes,
      importMs: { link, mqtt, linkRuns, mqttRuns },
      importRatio: Math.round((link / mqtt) * 100) / 100,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function footprintRows(r: FootprintResult): string[] {
  const t = FOOTPRINT_TARGETS;
  const mark = (ok: boolean) => (ok ? '' : ' (missed)');
  return [
    `| packages an embedder gets (\`npm install <tarball> xstate\`, \`npm ls --all\`) | ${r.packages} | <= ${t.packages}${mark(r.packages <= t.packages)} |`,
    `| size of that node_modules (\`du\`; the files' own bytes in brackets) | ${r.diskMegabytes} MB (${r.megabytes} MB; tarball ${r.tarballKiB} KiB) | <= ${t.megabytes} MB${mark(r.diskMegabytes <= t.megabytes)} |`,
    `| \`await import('agent-cloud-link')\` vs \`await import('mqtt')\`, fresh processes, median of ${r.importMs.linkRuns.length} | ${r.importMs.link.toFixed(1)} vs ${r.importMs.mqtt.toFixed(1)} ms, ratio ${r.importRatio.toFixed(2)} | <= ${t.importRatio.toFixed(1)}${mark(r.importRatio <= t.importRatio)} |`,
  ];
}

async function main(): Promise<void> {
  const result = await footprint((line) => process.stderr.write(`[footprint] ${line}\n`));
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/footprint.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log('| measure | result | target |');
  console.log('|---|---|---|');
  for (const row of footprintRows(result)) console.log(row);
  console.log(`top-level packages: ${result.topLevel.join(', ')}`);
  console.log('written: bench/results/footprint.json');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
