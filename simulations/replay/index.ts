export { replayRecording, replayMachine, startReplay, type ReplayOptions, type ReplayResult, type ReplayRun, type Divergence } from './replay.js';
export { replayPaced, type PacedOptions } from './paced.js';
export { parseRecording, RecordingError, type ParsedRecording } from './parse.js';
export { formatReplay, printReplay, replayFile, type PrintOptions } from './print.js';
