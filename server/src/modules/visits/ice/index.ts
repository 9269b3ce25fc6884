export {
  DEFAULT_TURN_TTL_SECONDS,
  MAX_TURN_TTL_SECONDS,
  MIN_TURN_SECRET_LENGTH,
  MIN_TURN_TTL_SECONDS,
  iceConfigFromEnv,
  type IceConfig,
} from './config.js';
export { iceServers, type IceServer } from './ice-servers.js';
export { turnCredentials, type TurnCredentials } from './turn-credentials.js';
