/** `npm run diagram`: print the statechart as Mermaid (the README's diagram). */
import { toMermaid } from '../link/diagram.js';
import { linkMachine } from '../machines/link.machine.js';

console.log(toMermaid(linkMachine));
