import { describe, expect, test } from 'vitest';
import { runStorm } from '../../simulations/fleet/storm.js';
import { lineChartSvg } from '../../simulations/fleet/svg-chart.js';

describe('reconnect storm through the real link machine', () => {
  const r = runStorm({ agents: 200, capacityPerSecond: 20, policy: 'full', seed: 1 });

  test('every agent reconnects under full jitter', () => {
    expect(r.recovered).toBe(true);
    expect(r.connected).toBe(200);
    expect(r.stoppedBy).toBe('recovered');
    // 200 agents at 20 per second need at least 9 whole seconds after the first.
    expect(r.recoveryMs).toBeGreaterThanOrEqual(9_000);
  });

  test('the cloud never admits more than C per second, and every agent tried at least once', () => {
    expect(Math.max(...r.admittedPerSecond)).toBeLessThanOrEqual(20);
    expect(r.admittedPerSecond.reduce((a, b) => a + b, 0)).toBe(200);
    expect(r.attempts).toBeGreaterThanOrEqual(200);
    expect(r.attemptsPerSecond.reduce((a, b) => a + b, 0)).toBe(r.attempts);
  });

  test('deterministic for a seed', () => {
    const again = runStorm({ agents: 200, capacityPerSecond: 20, policy: 'full', seed: 1 });
    const machineFree = { wallSeconds: 0, cpuSeconds: 0, heapAtDropMiB: 0, peakRssMiB: 0 };
    expect({ ...again, ...machineFree }).toEqual({ ...r, ...machineFree });
  });

  test('a capped run reports that it did not recover', () => {
    const capped = runStorm({ agents: 50, capacityPerSecond: 1, policy: 'none', capMs: 3_000 });
    expect(capped.recovered).toBe(false);
    expect(capped.stoppedBy).toBe('time cap');
    expect(capped.connected).toBeLessThan(50);
  });

  test('the chart is an SVG with one line per series and the reference line', () => {
    const svg = lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'full', color: 'blue', values: r.attemptsPerSecond }], reference: { value: 20, label: 'C' } });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg).toContain('stroke-dasharray');
  });
});
