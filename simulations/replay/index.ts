export { replayRecording, replayMachine, type ReplayOptions, type ReplayResult, type Divergence } from './replay.js';
export { parseRecording, RecordingError, type ParsedRecording } from './parse.js';
export { formatReplay, printReplay, replayFile, type PrintOptions } from './print.js';
