export type {
  IceCandidate,
  Jsep,
  MediaClosedReason,
  MediaParticipantEvents,
  MediaProvider,
  MediaProviderErrorCode,
  MediaRoomOptions,
  MediaRoomRef,
  MediaSession,
  MediaSubscription,
} from './provider.js';
export { MediaProviderError } from './provider.js';
export {
  JanusMediaProvider,
  MAX_PARTICIPANTS,
  type JanusProviderOptions,
  type MediaLogger,
} from './janus-provider.js';
export { mediaProviderFromEnv, MULTI_PARTY_UNAVAILABLE, type MediaProviderDeps } from './from-env.js';
