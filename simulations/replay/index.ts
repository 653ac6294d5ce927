export { replayRecording, replayMachine, startReplay, createReplayCore, type ReplayCore, type ReplayOptions, type ReplayResult, type ReplayRun, type Divergence } from './replay.js';
export { replayPaced, type PacedOptions } from './paced.js';
export { parseRecording, RecordingError, RecordingParser, DEFAULT_MAX_SPAN_MS, type ParsedRecording, type RecordingLimits } from './parse.js';
export { formatReplay, printReplay, replayFile, type PrintOptions } from './print.js';
export { replayLines, type StreamOptions } from './stream.js';
export { readRecordingLines, DEFAULT_MAX_RECORDING_BYTES, DEFAULT_MAX_LINE_BYTES, type ReadLimits } from './read-lines.js';
