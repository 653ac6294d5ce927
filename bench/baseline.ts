/**
 * `node dist/bench/baseline.js` (after `npx tsc -p tsconfig.build.json`): the link against bare mqtt.js
 * on loopback, against the development cloud with Debian's mosquitto (MQTT 5 over WSS with TLS).
 *
 * 1. Throughput (bench/baseline-throughput.ts): 10,000 QoS 1 publishes of 1 KiB, all started then
 *    awaited, `link.publish('chart', ...)` vs mqtt.js `publishAsync` on the same chart topic held to the
 *    same in-flight window (min(Receive Maximum, the link's 64)); rounds alternate; the median of the
 *    rounds' ratios and their range.
 * 2. Connect: `start()` to online (env + challenge + password + MQTT CONNECT + SUBACK) vs the same three
 *    HTTPS requests written by hand (one keep-alive agent with the CA) plus a bare mqtt.js connect and
 *    inbox subscribe; medians.
 * 3. Memory: N idle connected links vs N bare mqtt.js clients, each kind in a fresh child process.
 * Diagnostic rows: the bare throughput with the link's WebSocket framing and with no window, CPU per
 * message, and bare clients trusting the same CA bundle as the link (system roots + the cloud's CA).
 *
 * Environment: BASELINE_MESSAGES (10000), BASELINE_ROUNDS (7; 0 skips throughput), BASELINE_CONNECT_RUNS
 * (10; 0 skips), BASELINE_MEMORY_N (1000; 0 skips), BASELINE_BROKERS (mosquitto,aedes),
 * BASELINE_MEMORY_BROKERS (mosquitto). Throughput alone:
 * `BASELINE_CONNECT_RUNS=0 BASELINE_MEMORY_N=0 node dist/bench/baseline.js`.
 * Writes bench/results/baseline.json and prints a markdown table.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevCloud, type DevCloud } from '../devcloud/index.js';
import { memoryChild, type MemoryChildInput, type MemoryChildResult } from './baseline-memory.js';
import { bareConnectMs, linkConnectMs } from './baseline-measure.js';
import { makeNode, median, tempRoot, type BenchNode, type CloudInfo, type Row } from './baseline-support.js';
import { BROKERS, mergeResults, readPrevious, type Broker, type RunResults } from './baseline-results.js';
import { throughputRows } from './baseline-throughput.js';

const int = (name: string, fallback: number): number => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number.parseInt(v, 10);
};

const log = (message: string): void => {
  process.stderr.write(`[baseline ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

// ------------------------------------------------------------------ memory (child processes)

async function runMemoryChild(input: MemoryChildInput, dir: string): Promise<MemoryChildResult> {
  const inputPath = join(dir, `memory-${input.kind}.json`);
  writeFileSync(inputPath, JSON.stringify(input));
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--memory-child', inputPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`memory child (${input.kind}) exited with ${code}`);
  const last = out.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as MemoryChildResult;
}

// ------------------------------------------------------------------ main

interface Settings {
  readonly messages: number;
  readonly rounds: number;
  readonly connectRuns: number;
  readonly memoryN: number;
}

/** `start()` to online vs the hand-written sequence, alternating, medians. */
async function connectRow(info: CloudInfo, node: BenchNode, connectRuns: number, say: (message: string) => void): Promise<{ row: Row; details: Record<string, unknown> }> {
  say('connect: warm-up');
  await linkConnectMs(info, node);
  await bareConnectMs(info, node);
  const linkMs: number[] = [];
  const bareMs: number[] = [];
  for (let r = 0; r < connectRuns; r += 1) {
    if (r % 2 === 0) {
      linkMs.push(await linkConnectMs(info, node));
      bareMs.push(await bareConnectMs(info, node));
    } else {
      bareMs.push(await bareConnectMs(info, node));
      linkMs.push(await linkConnectMs(info, node));
    }
  }
  const linkConnect = median(linkMs);
  const bareConnect = median(bareMs);
  say(`connect: link ${linkConnect.toFixed(1)} ms, bare ${bareConnect.toFixed(1)} ms`);
  return {
    details: { runs: connectRuns, linkMs, bareMs, linkMedianMs: linkConnect, bareMedianMs: bareConnect, ratio: linkConnect / bareConnect },
    row: {
      benchmark: `connect, start() to online (median of ${connectRuns})`,
      link: `${linkConnect.toFixed(1)} ms`, baseline: `${bareConnect.toFixed(1)} ms (https x 3 + mqtt.js connect + subscribe)`,
      ratio: linkConnect / bareConnect, target: '<= 1.1', met: linkConnect / bareConnect <= 1.1,
    },
  };
}

/** Every measurement against one broker; `memory`: also the memory benchmark. */
/** N idle links vs N bare clients (and bare clients with the link's CA bundle), each kind in a child process. */
async function memoryRows(broker: Broker, info: CloudInfo & { readonly token: string }, root: string, memoryN: number): Promise<{ rows: Row[]; details: unknown }> {
  log(`[${broker}] ` + `memory: claiming ${memoryN} nodes`);
  const nodes: BenchNode[] = [];
  for (let i = 0; i < memoryN; i += 10) {
    nodes.push(...(await Promise.all(Array.from({ length: Math.min(10, memoryN - i) }, (_, j) => makeNode(info, root, (broker === 'mosquitto' ? 1 : 100_001) + i + j)))));
  }
  const cloud: CloudInfo = { url: info.url, caPath: info.caPath, caPem: info.caPem };
  const bare = await runMemoryChild({ kind: 'bare', cloud, nodes }, root);
  log(`[${broker}] ` + `memory bare: ${Math.round(bare.heapBytes)} heap B/conn, ${Math.round(bare.rssBytes)} RSS B/conn (setup ${bare.setupSeconds.toFixed(1)} s)`);
  const linked = await runMemoryChild({ kind: 'link', cloud, nodes }, root);
  log(`[${broker}] ` + `memory link: ${Math.round(linked.heapBytes)} heap B/conn, ${Math.round(linked.rssBytes)} RSS B/conn (setup ${linked.setupSeconds.toFixed(1)} s)`);
  const bundle = await runMemoryChild({ kind: 'bare-bundle', cloud, nodes }, root);
  log(`[${broker}] ` + `memory bare with the link's CA bundle: ${Math.round(bundle.heapBytes)} heap B/conn, ${Math.round(bundle.rssBytes)} RSS B/conn (setup ${bundle.setupSeconds.toFixed(1)} s)`);
  const details = {
    n: memoryN, link: linked, bare, bareWithBundle: bundle, heapRatio: linked.heapBytes / bare.heapBytes, rssRatio: linked.rssBytes / bare.rssBytes,
    heapRatioBundle: linked.heapBytes / bundle.heapBytes, rssRatioBundle: linked.rssBytes / bundle.rssBytes,
  };
  const kib = (b: number): string => `${(b / 1024).toFixed(1)} KiB`;
  const rows: Row[] = [
    {
      benchmark: `memory, heap per idle connection (N = ${memoryN})`, link: kib(linked.heapBytes), baseline: `${kib(bare.heapBytes)} (mqtt.js)`,
      ratio: linked.heapBytes / bare.heapBytes, target: '<= 1.2', met: linked.heapBytes / bare.heapBytes <= 1.2,
    },
    {
      benchmark: `memory, RSS per idle connection (N = ${memoryN})`, link: kib(linked.rssBytes), baseline: `${kib(bare.rssBytes)} (mqtt.js)`,
      ratio: linked.rssBytes / bare.rssBytes, target: '<= 1.2', met: linked.rssBytes / bare.rssBytes <= 1.2,
    },
  ];
  for (const [what, l, b] of [['heap', linked.heapBytes, bundle.heapBytes], ['RSS', linked.rssBytes, bundle.rssBytes]] as const) {
    rows.push({
      benchmark: `memory, ${what} per idle connection, baseline trusting the same CA bundle (system roots + CA; diagnostic)`, link: kib(l),
      baseline: `${kib(b)} (mqtt.js)`, ratio: l / b, target: '<= 1.2', met: l / b <= 1.2,
    });
  }
  return { rows, details };
}

/** The parts `settings` asks for against one broker; `memory`: also the memory benchmark. */
async function benchBroker(broker: Broker, settings: Settings, root: string, memory: boolean): Promise<NonNullable<RunResults[Broker]>> {
  const { messages, rounds, connectRuns, memoryN } = settings;
  let cloud: DevCloud | undefined;
  const results: NonNullable<RunResults[Broker]> = {};
  try {
    cloud = await startDevCloud({ stateDir: join(root, `cloud-${broker}`), broker });
    const info: CloudInfo = { url: cloud.url, caPath: cloud.caPath, caPem: cloud.caPem };
    const withToken = { ...info, token: cloud.token };
    log(`[${broker}] ` + `dev cloud at ${cloud.url} (broker ${cloud.broker?.kind ?? 'none'})`);
    const node = await makeNode(withToken, root, broker === 'mosquitto' ? 0 : 100_000);
    const payload = new Uint8Array(randomBytes(1024));
    const say = (m: string): void => log(`[${broker}] ${m}`);
    if (rounds > 0) results.throughput = await throughputRows(info, node, { messages, rounds }, payload, say);
    if (connectRuns > 0) {
      const connect = await connectRow(info, node, connectRuns, say);
      results.connect = { rows: [connect.row], details: connect.details };
    }
    if (memoryN > 0 && memory) results.memory = await memoryRows(broker, withToken, root, memoryN);
  } finally {
    await cloud?.close();
  }
  return results;
}

async function main(): Promise<void> {
  const cpuList = cpus();
  const machine = {
    cpus: cpuList.length, cpuModel: cpuList[0]?.model ?? 'unknown', memoryBytes: totalmem(),
    memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}`,
  };
  const settings: Settings = {
    messages: int('BASELINE_MESSAGES', 10_000), rounds: int('BASELINE_ROUNDS', 7),
    connectRuns: int('BASELINE_CONNECT_RUNS', 10), memoryN: int('BASELINE_MEMORY_N', 1_000),
  };
  const brokers = (process.env.BASELINE_BROKERS ?? 'mosquitto,aedes').split(',').map((b) => b.trim())
    .filter((b): b is Broker => (BROKERS as readonly string[]).includes(b));
  const memoryBrokers = (process.env.BASELINE_MEMORY_BROKERS ?? 'mosquitto').split(',').map((b) => b.trim());
  const root = await tempRoot();
  const run: RunResults = {};
  try {
    for (const broker of brokers) run[broker] = await benchBroker(broker, settings, root, memoryBrokers.includes(broker));
  } finally {
    await rm(root, { recursive: true, force: true });
  }

  mkdirSync('bench/results', { recursive: true });
  const file = 'bench/results/baseline.json';
  const { rows, details } = mergeResults(run, readPrevious(file));
  const brokerText = 'loopback; mosquitto: MQTT 5 over WSS with TLS (separate process); aedes: MQTT 3.1.1 over WSS with TLS (in the benchmark process)';
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, settings, brokers: brokerText, rows, details }, null, 2)}\n`);
  console.log(`machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node.js ${machine.node}`);
  console.log('| benchmark | link | baseline | ratio | target |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const from = r.from === undefined ? '' : ` (from the run of ${r.from})`;
    console.log(`| ${r.benchmark}${from} | ${r.link} | ${r.baseline} | ${r.ratio.toFixed(2)} | ${r.target}${r.met ? '' : ' (missed)'} |`);
  }
  console.log(`written: ${file}`);
}

if (process.argv[2] === '--memory-child') {
  const input = JSON.parse(readFileSync(process.argv[3] ?? '', 'utf8')) as MemoryChildInput;
  const result = await memoryChild(input);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  setTimeout(() => process.exit(0), 3_000).unref();
} else {
  try {
    await main();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  }
  // Safety net: should anything keep the loop alive, still exit.
  setTimeout(() => process.exit(), 5_000).unref();
}
