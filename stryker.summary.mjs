// @ts-check
/**
 * A Stryker reporter plugin ('summary'): writes bench/results/mutation/summary.md, the mutation score
 * per folder and overall, and every surviving or uncovered mutant with its place and replacement.
 * Score as Stryker counts it: (killed + timeout) / (killed + timeout + survived + no coverage).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PluginKind, declareClassPlugin } from '@stryker-mutator/api/plugin';

const OUT = 'bench/results/mutation/summary.md';
const GROUPS = ['machines/', 'effects/', 'link/', 'adapters/config/', 'adapters/proxy/', 'adapters/mqtt/'];

/** @param {string} file */
const groupOf = (file) => GROUPS.find((g) => file.startsWith(g)) ?? 'other';

function tally() { return { killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0, ignored: 0, onlyNew: 0 }; }

/** Tests under this folder were added for the mutation pass; with --disableBail, `killedBy` lists every killer. */
const NEW_TESTS = 'spec/mutation/';

/** @param {ReturnType<typeof tally>} t */
function score(t) {
  const detected = t.killed + t.timeout;
  const valid = detected + t.survived + t.noCoverage;
  return valid === 0 ? 'n/a' : `${(100 * detected / valid).toFixed(2)}%`;
}

/** The score had only the tests outside spec/mutation/ run (exact only with --disableBail). */
function scoreWithoutNew(t) {
  const detected = t.killed + t.timeout - t.onlyNew;
  const valid = t.killed + t.timeout + t.survived + t.noCoverage;
  return valid === 0 ? 'n/a' : `${(100 * detected / valid).toFixed(2)}%`;
}

/** @param {ReturnType<typeof tally>} t @param {string} status */
function count(t, status) {
  if (status === 'Killed') t.killed += 1;
  else if (status === 'Timeout') t.timeout += 1;
  else if (status === 'Survived') t.survived += 1;
  else if (status === 'NoCoverage') t.noCoverage += 1;
  else if (status === 'Ignored') t.ignored += 1;
  else t.errors += 1;
}

class SummaryReporter {
  /** @param {import('@stryker-mutator/api/core').schema.MutationTestResult} report */
  onMutationTestReportReady(report) {
    const fileOfTest = new Map();
    for (const [file, tf] of Object.entries(report.testFiles ?? {})) for (const t of tf.tests) fileOfTest.set(t.id, file);
    const onlyNew = (m) => m.status === 'Killed' && (m.killedBy ?? []).length > 0
      && (m.killedBy ?? []).every((id) => (fileOfTest.get(id) ?? '').includes(NEW_TESTS));
    const groups = new Map();
    const all = tally();
    const left = [];
    for (const [file, result] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
      const group = groupOf(file);
      if (!groups.has(group)) groups.set(group, tally());
      for (const m of result.mutants) {
        count(groups.get(group), m.status);
        count(all, m.status);
        if (onlyNew(m)) { groups.get(group).onlyNew += 1; all.onlyNew += 1; }
        if (m.status === 'Survived' || m.status === 'NoCoverage') {
          const where = `${file}:${m.location.start.line}:${m.location.start.column}`;
          const replacement = (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80);
          left.push(`| ${m.status} | \`${where}\` | ${m.mutatorName} | \`${replacement.replace(/\|/g, '\\|')}\` |`);
        }
      }
    }
    const row = (name, t) => `| ${name} | ${score(t)} | ${scoreWithoutNew(t)} | ${t.killed} | ${t.onlyNew} | ${t.timeout} | ${t.survived} | ${t.noCoverage} | ${t.errors} | ${t.ignored} |`;
    const lines = [
      '# Mutation testing summary',
      '',
      'Written by `npm run mutate` (stryker.config.mjs). Full report: mutation.json (and mutation.html).',
      '',
      '"without spec/mutation" counts a mutant killed only by the tests in spec/mutation/ as survived: exact when',
      'the run used --disableBail (every killing test listed), an upper bound otherwise. Ignored: static mutants',
      'left out by --ignoreStatic.',
      '',
      '| folder | score | without spec/mutation | killed | killed only by spec/mutation | timeout | survived | no coverage | errors | ignored |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...[...groups.entries()].map(([g, t]) => row(g, t)),
      row('**all**', all),
      '',
      `## Survivors and uncovered mutants (${left.length})`,
      '',
      'Equivalent ones are explained in equivalent.md.',
      '',
      '| status | where | mutator | replacement |',
      '|---|---|---|---|',
      ...left,
      '',
    ];
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, lines.join('\n'));
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'summary', SummaryReporter)];
