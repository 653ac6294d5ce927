// Used as `node --import ./load-recorder.mjs`: records the URL of every module the ES loader resolves
// (one a line) into the file named by ACLK_LOAD_LOG. See disable-cloud.spec.ts.
import { register } from 'node:module';

register('./load-recorder-hooks.mjs', import.meta.url);
