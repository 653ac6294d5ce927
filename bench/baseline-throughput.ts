/**
 * The throughput part of bench/baseline.ts: the link against bare mqtt.js held to the same in-flight
 * window, in alternating rounds of one process and one broker.
 *
 * Window: the link keeps at most LINK_WINDOW (64) messages in flight and its session at most the
 * server's Receive Maximum of them (mosquitto announces 20); the baseline keeps exactly
 * min(Receive Maximum, 64) in flight. aedes announces no Receive Maximum (65,535 by MQTT 5's rule; it
 * speaks 3.1.1), so there both keep 64, the link's own window: a bare client with 10,000 in flight
 * would measure a different protocol pattern, not the link's overhead (that row stays as a diagnostic).
 *
 * Each round runs link, windowed, framed and all (the order reversed every other round); the ratio
 * of a round is link / windowed of that round, so a slow spell of this shared machine hits both; the
 * reported ratio is the median of the rounds' ratios, with their spread.
 */
import { bareThroughput, LINK_WINDOW, linkThroughput, type BareMode, type Throughput } from './baseline-measure.js';
import { median, type BenchNode, type CloudInfo, type Row } from './baseline-support.js';

type Kind = 'link' | BareMode;
const KINDS: readonly Kind[] = ['link', 'windowed', 'framed', 'all'];

export interface RatioSpread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly perRound: readonly number[];
}

const spread = (xs: readonly number[]): RatioSpread => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), perRound: xs });

const run = (kind: Kind, cloud: CloudInfo, node: BenchNode, messages: number, payload: Uint8Array): Promise<Throughput> =>
  kind === 'link' ? linkThroughput(cloud, node, messages, payload) : bareThroughput(cloud, node, messages, payload, kind);

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const range = (s: RatioSpread): string => `${s.min.toFixed(2)}-${s.max.toFixed(2)}`;

export async function throughputRows(
  cloud: CloudInfo, node: BenchNode, settings: { readonly messages: number; readonly rounds: number }, payload: Uint8Array, log: (message: string) => void,
): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const { messages, rounds } = settings;
  log('throughput: warm-up');
  for (const kind of KINDS) await run(kind, cloud, node, 1_000, payload);
  const results = Object.fromEntries(KINDS.map((k) => [k, [] as Throughput[]])) as Record<Kind, Throughput[]>;
  for (let r = 0; r < rounds; r += 1) {
    for (const kind of r % 2 === 0 ? KINDS : [...KINDS].reverse()) results[kind].push(await run(kind, cloud, node, messages, payload));
    const last = (k: Kind): Throughput => results[k][r] as Throughput;
    log(`throughput round ${r + 1}: ${KINDS.map((k) => `${k} ${fmt(last(k).rate)} msg/s (${last(k).cpuUs.toFixed(1)} us CPU/msg)`).join(', ')}; link/windowed ${(last('link').rate / last('windowed').rate).toFixed(3)}`);
  }
  const rates = (k: Kind): number[] => results[k].map((t) => t.rate);
  const ratios = (k: BareMode): RatioSpread => spread(results.link.map((t, i) => t.rate / (results[k][i] as Throughput).rate));
  const windowed = ratios('windowed');
  const framed = ratios('framed');
  const all = ratios('all');
  const peak = (k: Kind): number | undefined => (k === 'link' ? undefined : Math.max(...results[k].map((t) => t.maxInflight ?? 0)));
  const window = peak('windowed') ?? 0;
  const cpu = (k: Kind): number => median(results[k].map((t) => t.cpuUs));
  const details = {
    messages, payloadBytes: 1024, qos: 1, rounds, order: 'link, windowed, framed, all; reversed every other round',
    linkWindow: LINK_WINDOW, baselineWindow: window,
    ...Object.fromEntries(KINDS.map((k) => [k, { rates: rates(k), medianRate: median(rates(k)), cpuUsPerMessage: results[k].map((t) => t.cpuUs), medianCpuUs: cpu(k), maxInflight: peak(k) ?? null }])),
    ratio: windowed, ratioFramed: framed, ratioAll: all,
  };
  const what = `${messages.toLocaleString('en-US')} x 1 KiB QoS 1`;
  const linkText = `${fmt(median(rates('link')))} msg/s`;
  const rows: Row[] = [
    {
      benchmark: `throughput, ${what}, baseline held to the link's window (${window} in flight); median of ${rounds} rounds' ratios (range ${range(windowed)})`,
      link: linkText, baseline: `${fmt(median(rates('windowed')))} msg/s (mqtt.js, ${window} in flight)`,
      ratio: windowed.median, target: '>= 0.95', met: windowed.median >= 0.95,
    },
    {
      benchmark: `throughput, same, baseline also with the link's WebSocket framing (the link's own code; diagnostic; range ${range(framed)})`,
      link: linkText, baseline: `${fmt(median(rates('framed')))} msg/s (mqtt.js, ${window} in flight, one frame per flush)`,
      ratio: framed.median, target: 'diagnostic', met: true,
    },
    {
      benchmark: `throughput, same, baseline with all ${messages.toLocaleString('en-US')} in flight at once (diagnostic; range ${range(all)})`,
      link: linkText, baseline: `${fmt(median(rates('all')))} msg/s (mqtt.js, no window)`,
      ratio: all.median, target: 'diagnostic', met: true,
    },
    {
      benchmark: 'throughput, CPU time of the benchmark process per message (diagnostic)',
      link: `${cpu('link').toFixed(1)} us`, baseline: `${cpu('windowed').toFixed(1)} us (windowed), ${cpu('framed').toFixed(1)} us (framed)`,
      ratio: cpu('link') / cpu('windowed'), target: 'diagnostic', met: true,
    },
  ];
  return { rows, details };
}
