/**
 * The development cloud, loaded when `aclk cloud` or `aclk demo` runs: it needs `zod` (an optional
 * package, link/optional-package.ts), so the other commands must not load it.
 */
import { importOptional } from '../link/optional-package.js';

export const loadDevCloud = () => importOptional(['zod'], () => import('../devcloud/index.js'));
