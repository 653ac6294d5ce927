export { ConfigError, type ConfigErrorLocation } from './errors.js';
export { scanIni, type IniDocument, type IniEntry } from './ini.js';
export { parseNetdataConf, type NetdataConfValues } from './netdata-conf.js';
export { parseCloudConf, parseClaimedIdFile, type CloudConfValues } from './cloud-conf.js';
export { parseClaimConf, claimFromEnv, type ClaimValues } from './claim-conf.js';
export { buildLinkConfig, DEFAULT_CLOUD_URL, DEFAULT_PROXY, type ConfigParts } from './merge.js';
export { parseConfigTexts, type ConfigTexts } from './texts.js';
export { readConfigFile } from './files.js';
export { loadConfig, fileConfigSource, fileIdentityStore, type ConfigPaths, type Environment } from './load.js';
