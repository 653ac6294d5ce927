import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toMermaid } from '../link/diagram.js';
import { linkMachine } from '../machines/link.machine.js';

describe('README', () => {
  it('shows the diagram generated from the machine (regenerate with `npm run diagram`)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /<!-- diagram:start -->\n```mermaid\n([\s\S]*?)\n```\n<!-- diagram:end -->/.exec(readme);
    expect(block, 'README diagram markers').not.toBeNull();
    expect(block?.[1]).toBe(toMermaid(linkMachine));
  });

  it('documents both commands of the quick start', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
