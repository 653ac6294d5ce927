export { claim, type ClaimOptions, type ClaimResult } from './claim.js';
export { claimBody, claimUrl } from './claim-request.js';
export { CLOUD_CONF_FILE, renderCloudConf, writeCloudConf, type CloudConf } from './cloud-conf.js';
