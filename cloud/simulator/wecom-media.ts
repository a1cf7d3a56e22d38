/**
 * Temporary media (上传临时素材): POST /cgi-bin/media/upload?access_token=…&type=image|voice|video|file,
 * multipart/form-data with the file in the part named "media" (filename, filelength, content-type),
 * like the real host: size > 5 bytes, image ≤ 10 MB JPG/PNG, voice ≤ 2 MB AMR, video ≤ 10 MB MP4,
 * file ≤ 20 MB. Answers {errcode, errmsg, type, media_id, created_at}; a media_id lives 3 days.
 * The WeCom-client stand-in (sendChatMessage) refuses image/file messages with an unknown or
 * expired media_id, as the client would. GET /__sim/wecom/media lists uploads (without bytes).
 */
import busboy from 'busboy';
import { SimRequest, SimResult, json } from './router';
import { randomId } from './state';
import { WecomRoutes, WecomSim, wecomError } from './wecom';

export const MEDIA_TTL_MS = 3 * 86_400_000;
const LIMITS: Record<string, number> = { image: 10 << 20, voice: 2 << 20, video: 10 << 20, file: 20 << 20 };

export interface SimMedia {
  mediaId: string;
  type: string;
  filename: string;
  contentType: string;
  bytes: number;
  sha: string;
  createdAt: number;
}

/** Uploaded media per simulator (the client stand-in checks media ids here). */
export const mediaOf = new WeakMap<WecomSim, Map<string, SimMedia>>();

/** A media id the WeCom client would accept now. */
export function liveMedia(sim: WecomSim, mediaId: unknown, type: string): boolean {
  const m = typeof mediaId === 'string' ? mediaOf.get(sim)?.get(mediaId) : undefined;
  return !!m && m.type === type && sim.state.now() - m.createdAt < MEDIA_TTL_MS;
}

function parse(req: SimRequest): Promise<{ field: string; filename: string; contentType: string; data: Buffer } | null> {
  return new Promise((resolve) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: (20 << 20) + 1 } });
    } catch {
      resolve(null);
      return;
    }
    let found: { field: string; filename: string; contentType: string; data: Buffer } | null = null;
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        found = { field: name, filename: info.filename ?? '', contentType: info.mimeType, data: Buffer.concat(chunks) };
      });
    });
    bb.on('close', () => resolve(found));
    bb.on('error', () => resolve(null));
    bb.end(req.rawBody);
  });
}

const isJpeg = (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isPng = (b: Buffer) => b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

export class MediaSim {
  constructor(private readonly sim: WecomSim) {
    mediaOf.set(sim, new Map());
  }

  private get store(): Map<string, SimMedia> {
    return mediaOf.get(this.sim)!;
  }

  private async upload(req: SimRequest): Promise<SimResult> {
    const a = this.sim.auth(req);
    if ('error' in a) return a.error;
    const type = req.query.get('type') ?? '';
    if (!(type in LIMITS)) return json(wecomError(40004, 'invalid media type'));
    if (!/^multipart\/form-data\b/i.test(String(req.headers['content-type'] ?? ''))) return json(wecomError(41006, 'media_id missing'));
    const part = await parse(req);
    if (!part || part.field !== 'media' || !part.filename) return json(wecomError(41006, 'media_id missing'));
    if (part.data.length <= 5 || part.data.length > LIMITS[type]) return json(wecomError(40006, 'invalid file size'));
    if (type === 'image' && !isJpeg(part.data) && !isPng(part.data)) return json(wecomError(40005, 'invalid file type'));
    const now = this.sim.state.now();
    const mediaId = `3${randomId(40)}`;
    const { createHash } = await import('crypto');
    this.store.set(mediaId, {
      mediaId,
      type,
      filename: part.filename,
      contentType: part.contentType,
      bytes: part.data.length,
      sha: createHash('sha256').update(part.data).digest('hex'),
      createdAt: now,
    });
    return json({ errcode: 0, errmsg: 'ok', type, media_id: mediaId, created_at: String(Math.floor(now / 1000)) });
  }

  routes(): WecomRoutes {
    return {
      routes: [{ method: 'POST', path: '/cgi-bin/media/upload', handle: (r) => this.upload(r) }],
      control: [{ method: 'GET', path: '/media', handle: () => json({ media: [...this.store.values()] }) }],
      reset: () => this.store.clear(),
    };
  }
}

export const mediaModule = (sim: WecomSim): WecomRoutes => new MediaSim(sim).routes();
