/**
 * Codec parameters for the E-model (ITU-T G.107): how much a codec impairs speech on its own (Ie),
 * how well it hides lost packets (Bpl), and the delay it adds. Values are on G.107's narrowband
 * rating scale, where G.711 without loss is the best case (Ie = 0, R = 93.2).
 */
export interface CodecProfile {
  readonly name: string;
  /** Equipment impairment factor Ie, 0..95: the codec's own distortion with no loss. */
  readonly ie: number;
  /**
   * Packet-loss robustness factor Bpl (> 0): the loss percentage at which the loss impairment
   * reaches half of what is left above Ie. Larger means better concealment.
   */
  readonly bpl: number;
  /** Delay the codec adds to the mouth-to-ear path (frame plus look-ahead), ms. */
  readonly delayMs: number;
}

/**
 * Opus as browsers run it for WebRTC speech (20 ms frames, wideband or better, about 32 kbit/s).
 *
 * - Ie = 0: at WebRTC's default bitrate Opus is at least as good as G.711, and G.711 is already the
 *   top of the narrowband scale, so there is nothing better to express. Low-bitrate Opus is worse;
 *   pass a profile with a larger Ie if a deployment caps the audio bitrate.
 * - Bpl = 10: ITU-T G.113 tables no Opus value. Alahmadi, Počta and Melvin (ACM TOMM 17(4),
 *   art. 133, 2021, doi:10.1145/3458751) fitted Bpl ≈ 9.8–11.8 for random loss to super-wideband
 *   Opus at 19–40 kbit/s (VBR and CBR). Their Ie values are on the wideband scale and are not used
 *   here; Bpl is a half-impairment loss percentage, so it carries over between scales. The
 *   open-source rtcscore WebRTC scorer also uses 10 for Opus without in-band FEC. In-band FEC would
 *   raise it; it is not assumed because browsers only send FEC once they have seen loss.
 * - delayMs = 26.5: RFC 6716 section 2, default algorithmic delay of Opus with 20 ms frames.
 */
export const OPUS: CodecProfile = Object.freeze({ name: 'opus', ie: 0, bpl: 10, delayMs: 26.5 });

/**
 * G.711 without packet-loss concealment, the reference codec: ITU-T G.113 Appendix I gives Ie = 0
 * and Bpl = 4.3 (random loss). delayMs = 20: one 20 ms packet, the usual RTP packetisation.
 */
export const G711: CodecProfile = Object.freeze({ name: 'g711', ie: 0, bpl: 4.3, delayMs: 20 });

/** G.711 with the concealment of its Appendix I: G.113 Appendix I gives Ie = 0 and Bpl = 25.1 (random loss). */
export const G711_PLC: CodecProfile = Object.freeze({ name: 'g711-plc', ie: 0, bpl: 25.1, delayMs: 20 });
