/**
 * `node dist/bench/baseline.js` (after `npx tsc -p tsconfig.build.json`): the link against bare mqtt.js
 * on loopback, against the development cloud with Debian's mosquitto (MQTT 5 over WSS with TLS).
 *
 * 1. Throughput: 20,000 QoS 1 publishes of 1 KiB, all started then awaited, `link.publish('chart', ...)`
 *    vs mqtt.js `publishAsync` on the same chart topic; rounds alternate link/bare.
 * 2. Connect: `start()` to online (env + challenge + password + MQTT CONNECT + SUBACK) vs the same three
 *    HTTPS requests written by hand (one keep-alive agent with the CA) plus a bare mqtt.js connect and
 *    inbox subscribe; medians.
 * 3. Memory: N idle connected links vs N bare mqtt.js clients, each kind in a fresh child process.
 * Diagnostic rows: the bare throughput within the server's Receive Maximum (as the link must send), and
 * bare clients trusting the same CA bundle as the link (system roots + the cloud's CA).
 *
 * Environment: BASELINE_MESSAGES (20000), BASELINE_ROUNDS (3), BASELINE_CONNECT_RUNS (10),
 * BASELINE_MEMORY_N (1000; 0 skips), BASELINE_BROKERS (mosquitto,aedes), BASELINE_MEMORY_BROKERS (mosquitto).
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
import { bareConnectMs, bareThroughput, linkConnectMs, linkThroughput } from './baseline-measure.js';
import { makeNode, tempRoot, type BenchNode, type CloudInfo } from './baseline-support.js';

const int = (name: string, fallback: number): number => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number.parseInt(v, 10);
};

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] ?? 0 : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
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

interface Row {
  readonly benchmark: string;
  readonly link: string;
  readonly baseline: string;
  readonly ratio: number;
  readonly target: string;
  readonly met: boolean;
}

interface Settings {
  readonly messages: number;
  readonly rounds: number;
  readonly connectRuns: number;
  readonly memoryN: number;
}

/**
 * Every measurement against one broker. `windowed`: also the diagnostic baseline held to the server's
 * Receive Maximum (MQTT 5 only); `memory`: also the memory benchmark.
 */
async function benchBroker(broker: 'mosquitto' | 'aedes', settings: Settings, root: string, memory: boolean): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const { messages, rounds, connectRuns, memoryN } = settings;
  const windowed = broker === 'mosquitto';
  let cloud: DevCloud | undefined;
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  try {
    cloud = await startDevCloud({ stateDir: join(root, `cloud-${broker}`), broker });
    const info: CloudInfo = { url: cloud.url, caPath: cloud.caPath, caPem: cloud.caPem };
    const withToken = { ...info, token: cloud.token };
    log(`[${broker}] ` + `dev cloud at ${cloud.url} (broker ${cloud.broker?.kind ?? 'none'})`);
    const node = await makeNode(withToken, root, broker === 'mosquitto' ? 0 : 100_000);
    const payload = new Uint8Array(randomBytes(1024));

    // 1. throughput
    log(`[${broker}] ` + 'throughput: warm-up');
    await linkThroughput(info, node, 1_000, payload);
    await bareThroughput(info, node, 1_000, payload);
    const linkRates: number[] = [];
    const bareRates: number[] = [];
    const windowedRates: number[] = [];
    for (let r = 0; r < rounds; r += 1) {
      const order = (r % 2 === 0 ? (['link', 'bare', 'windowed'] as const) : (['windowed', 'bare', 'link'] as const)).filter((k) => k !== 'windowed' || windowed);
      for (const kind of order) {
        const rate = kind === 'link' ? await linkThroughput(info, node, messages, payload) : await bareThroughput(info, node, messages, payload, kind === 'windowed');
        ({ link: linkRates, bare: bareRates, windowed: windowedRates })[kind].push(rate);
        log(`[${broker}] ` + `throughput round ${r + 1} ${kind}: ${Math.round(rate)} msg/s`);
      }
    }
    const linkRate = median(linkRates);
    const bareRate = median(bareRates);
    const windowedRate = median(windowedRates);
    details.throughput = {
      messages, payloadBytes: 1024, qos: 1, rounds, linkRates, bareRates, windowedRates,
      linkMedian: linkRate, bareMedian: bareRate, windowedMedian: windowedRate, ratio: linkRate / bareRate, ratioWindowed: linkRate / windowedRate,
    };
    rows.push({
      benchmark: `throughput, ${messages.toLocaleString('en-US')} x 1 KiB QoS 1 (median of ${rounds} rounds)`,
      link: `${Math.round(linkRate).toLocaleString('en-US')} msg/s`, baseline: `${Math.round(bareRate).toLocaleString('en-US')} msg/s (mqtt.js)`,
      ratio: linkRate / bareRate, target: '>= 0.95', met: linkRate / bareRate >= 0.95,
    });
    if (windowed) rows.push({
      benchmark: 'throughput, same, baseline within the server\'s Receive Maximum (diagnostic)',
      link: `${Math.round(linkRate).toLocaleString('en-US')} msg/s`, baseline: `${Math.round(windowedRate).toLocaleString('en-US')} msg/s (mqtt.js, <= Receive Maximum in flight)`,
      ratio: linkRate / windowedRate, target: '>= 0.95', met: linkRate / windowedRate >= 0.95,
    });

    // 2. connect
    log(`[${broker}] ` + 'connect: warm-up');
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
    log(`[${broker}] ` + `connect: link ${linkConnect.toFixed(1)} ms, bare ${bareConnect.toFixed(1)} ms`);
    details.connect = { runs: connectRuns, linkMs, bareMs, linkMedianMs: linkConnect, bareMedianMs: bareConnect, ratio: linkConnect / bareConnect };
    rows.push({
      benchmark: `connect, start() to online (median of ${connectRuns})`,
      link: `${linkConnect.toFixed(1)} ms`, baseline: `${bareConnect.toFixed(1)} ms (https x 3 + mqtt.js connect + subscribe)`,
      ratio: linkConnect / bareConnect, target: '<= 1.1', met: linkConnect / bareConnect <= 1.1,
    });

    // 3. memory
    if (memoryN > 0 && memory) {
      log(`[${broker}] ` + `memory: claiming ${memoryN} nodes`);
      const nodes: BenchNode[] = [];
      for (let i = 0; i < memoryN; i += 10) {
        nodes.push(...(await Promise.all(Array.from({ length: Math.min(10, memoryN - i) }, (_, j) => makeNode(withToken, root, (broker === 'mosquitto' ? 1 : 100_001) + i + j)))));
      }
      const bare = await runMemoryChild({ kind: 'bare', cloud: info, nodes }, root);
      log(`[${broker}] ` + `memory bare: ${Math.round(bare.heapBytes)} heap B/conn, ${Math.round(bare.rssBytes)} RSS B/conn (setup ${bare.setupSeconds.toFixed(1)} s)`);
      const linked = await runMemoryChild({ kind: 'link', cloud: info, nodes }, root);
      log(`[${broker}] ` + `memory link: ${Math.round(linked.heapBytes)} heap B/conn, ${Math.round(linked.rssBytes)} RSS B/conn (setup ${linked.setupSeconds.toFixed(1)} s)`);
      const bundle = await runMemoryChild({ kind: 'bare-bundle', cloud: info, nodes }, root);
      log(`[${broker}] ` + `memory bare with the link's CA bundle: ${Math.round(bundle.heapBytes)} heap B/conn, ${Math.round(bundle.rssBytes)} RSS B/conn (setup ${bundle.setupSeconds.toFixed(1)} s)`);
      details.memory = {
        n: memoryN, link: linked, bare, bareWithBundle: bundle, heapRatio: linked.heapBytes / bare.heapBytes, rssRatio: linked.rssBytes / bare.rssBytes,
        heapRatioBundle: linked.heapBytes / bundle.heapBytes, rssRatioBundle: linked.rssBytes / bundle.rssBytes,
      };
      const kib = (b: number): string => `${(b / 1024).toFixed(1)} KiB`;
      rows.push({
        benchmark: `memory, heap per idle connection (N = ${memoryN})`, link: kib(linked.heapBytes), baseline: `${kib(bare.heapBytes)} (mqtt.js)`,
        ratio: linked.heapBytes / bare.heapBytes, target: '<= 1.2', met: linked.heapBytes / bare.heapBytes <= 1.2,
      });
      rows.push({
        benchmark: `memory, RSS per idle connection (N = ${memoryN})`, link: kib(linked.rssBytes), baseline: `${kib(bare.rssBytes)} (mqtt.js)`,
        ratio: linked.rssBytes / bare.rssBytes, target: '<= 1.2', met: linked.rssBytes / bare.rssBytes <= 1.2,
      });
      for (const [what, l, b] of [['heap', linked.heapBytes, bundle.heapBytes], ['RSS', linked.rssBytes, bundle.rssBytes]] as const) {
        rows.push({
          benchmark: `memory, ${what} per idle connection, baseline trusting the same CA bundle (system roots + CA; diagnostic)`, link: kib(l),
          baseline: `${kib(b)} (mqtt.js)`, ratio: l / b, target: '<= 1.2', met: l / b <= 1.2,
        });
      }
    }
  } finally {
    await cloud?.close();
  }
  return { rows: rows.map((r) => ({ ...r, benchmark: `${broker}: ${r.benchmark}` })), details };
}

async function main(): Promise<void> {
  const cpuList = cpus();
  const machine = {
    cpus: cpuList.length, cpuModel: cpuList[0]?.model ?? 'unknown', memoryBytes: totalmem(),
    memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}`,
  };
  const settings: Settings = {
    messages: int('BASELINE_MESSAGES', 20_000), rounds: int('BASELINE_ROUNDS', 3),
    connectRuns: int('BASELINE_CONNECT_RUNS', 10), memoryN: int('BASELINE_MEMORY_N', 1_000),
  };
  const brokers = (process.env.BASELINE_BROKERS ?? 'mosquitto,aedes').split(',').map((b) => b.trim())
    .filter((b): b is 'mosquitto' | 'aedes' => b === 'mosquitto' || b === 'aedes');
  const memoryBrokers = (process.env.BASELINE_MEMORY_BROKERS ?? 'mosquitto').split(',').map((b) => b.trim());
  const root = await tempRoot();
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  try {
    for (const broker of brokers) {
      const run = await benchBroker(broker, settings, root, memoryBrokers.includes(broker));
      rows.push(...run.rows);
      details[broker] = run.details;
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }

  mkdirSync('bench/results', { recursive: true });
  const file = 'bench/results/baseline.json';
  const brokerText = 'loopback; mosquitto: MQTT 5 over WSS with TLS (separate process); aedes: MQTT 3.1.1 over WSS with TLS (in the benchmark process)';
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, settings, brokers: brokerText, rows, details }, null, 2)}\n`);
  console.log(`machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node.js ${machine.node}`);
  console.log('| benchmark | link | baseline | ratio | target |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.benchmark} | ${r.link} | ${r.baseline} | ${r.ratio.toFixed(2)} | ${r.target}${r.met ? '' : ' (missed)'} |`);
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
