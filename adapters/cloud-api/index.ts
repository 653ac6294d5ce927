export { createCloudApi, type CloudApiOptions } from './cloud-api.js';
export { agentTlsOptions, createKeepAliveAgent, type AgentTlsOptions, type CloudTlsConfig, type CreateAgent } from './agent.js';
export { envPath, envUrl, parseEnvAnswer } from './env.js';
export {
  CHALLENGE_BASE64_LENGTH,
  CHALLENGE_BYTES,
  CLAIM_ID_TAG,
  REQUIRED_TOPICS,
  challengeUrl,
  parseChallengeAnswer,
  parsePasswordAnswer,
  passwordBody,
  passwordUrl,
} from './auth.js';
export { parseCloudErrorBody, describeCloudError } from './cloud-error-body.js';
export { sendHttpsRequest, type HttpsRequestOptions, type HttpsResponse } from './https-request.js';
export { mapTransportError } from './transport-errors.js';
