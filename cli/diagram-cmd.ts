/**
 * `aclk diagram [--format mermaid|dot|json]`: the statechart, generated from the machine's definition.
 */
import { Option, type Command } from 'commander';
import { toDot, toMermaid } from '../link/diagram.js';
import { linkMachine } from '../machines/link.machine.js';

export function registerDiagram(program: Command): void {
  program
    .command('diagram')
    .summary('print the statechart (Mermaid, Graphviz dot, or the machine\'s JSON definition)')
    .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot', 'json']).default('mermaid'))
    .addHelpText('after', '\nExamples:\n'
      + '  $ aclk diagram > statechart.mmd\n'
      + '  $ aclk diagram --format dot | dot -Tsvg > statechart.svg\n'
      + '  $ aclk diagram --format json | jq \'.states | keys\'')
    .action((flags: { format: 'mermaid' | 'dot' | 'json' }) => {
      const text = flags.format === 'json' ? JSON.stringify(linkMachine.toJSON(), null, 2)
        : flags.format === 'dot' ? toDot(linkMachine) : toMermaid(linkMachine);
      process.stdout.write(`${text}\n`);
    });
}
