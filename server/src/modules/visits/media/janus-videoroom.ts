import { JANUS_UNAUTHORIZED, JanusConnectionError, JanusError, JanusTimeoutError } from './janus-client.js';
import { MediaProviderError } from './provider.js';

/** Janus's VideoRoom plugin, which the provider and its sessions talk to. */
export const VIDEOROOM = 'janus.plugin.videoroom';

/** VideoRoom error codes the provider tells apart (janus_videoroom.c). */
export const NO_SUCH_ROOM = 426;
export const ROOM_EXISTS = 427;
export const NO_SUCH_FEED = 428;
export const PUBLISHERS_FULL = 432;
export const UNAUTHORIZED = 433;
export const ID_EXISTS = 436;

/** A neutral error for anything thrown while talking to Janus; never the URL, secrets or SDP. */
export function providerError(err: unknown): MediaProviderError {
  if (err instanceof MediaProviderError) return err;
  if (err instanceof JanusTimeoutError)
    return new MediaProviderError('timeout', 'the media server (Janus) did not answer in time', {
      cause: err,
    });
  if (err instanceof JanusConnectionError)
    return new MediaProviderError('unavailable', `the media server (Janus) is unavailable: ${err.message}`, {
      cause: err,
    });
  if (err instanceof JanusError) {
    const cause = { cause: err };
    switch (err.code) {
      case JANUS_UNAUTHORIZED:
        return new MediaProviderError(
          'unavailable',
          'Janus refused the API secret (check JANUS_API_SECRET)',
          cause,
        );
      case NO_SUCH_ROOM:
        return new MediaProviderError('room-not-found', 'the media room is not open', cause);
      case PUBLISHERS_FULL:
        return new MediaProviderError('room-full', 'the media room has its most publishers already', cause);
      case UNAUTHORIZED:
        return new MediaProviderError(
          'room-conflict',
          'Janus refused the room credentials: give every node the same JANUS_ROOM_KEY',
          cause,
        );
      case NO_SUCH_FEED:
        return new MediaProviderError(
          'publisher-not-found',
          'that participant is not publishing in the room',
          cause,
        );
      default:
        return new MediaProviderError('rejected', `Janus refused the request (error ${err.code})`, cause);
    }
  }
  return new MediaProviderError('unavailable', 'the media server (Janus) failed unexpectedly', {
    cause: err,
  });
}
