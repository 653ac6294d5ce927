// `node --import <this file>`: the packages named in HIDE_PACKAGES (comma-separated) cannot be found,
// as when an optional package is not installed (spec/cli/optional-packages.spec.ts).
import { register } from 'node:module';

register(new URL('./hook.mjs', import.meta.url), { data: { hidden: (process.env.HIDE_PACKAGES ?? '').split(',').filter(Boolean) } });
