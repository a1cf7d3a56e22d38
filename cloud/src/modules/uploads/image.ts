/**
 * Image checks and processing. The type comes from the first bytes (magic numbers), never from
 * the file name or the declared content type; sharp then decodes it for real (a file that only
 * starts like a JPEG fails there), strips metadata (EXIF GPS) by re-encoding, and makes the thumbnail.
 */
import sharp from 'sharp';

export type ImageMime = 'image/jpeg' | 'image/png' | 'image/webp';

export const EXT: Record<ImageMime, 'jpg' | 'png' | 'webp'> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** Decompression-bomb guard: refuse images above this many pixels (a 40 MP phone photo passes). */
export const MAX_INPUT_PIXELS = 50_000_000;
export const FULL_MAX_EDGE = 2048;
export const THUMB_MAX_EDGE = 480;

/** JPEG FF D8 FF · PNG 89 50 4E 47 0D 0A 1A 0A · WebP "RIFF"....“WEBP”. Anything else: null. */
export function sniffImage(buf: Buffer): ImageMime | null {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export class ImageDecodeError extends Error {}

export interface ProcessedImage {
  mime: ImageMime;
  full: Buffer;
  thumb: Buffer;
  width: number;
  height: number;
}

/** Re-encode (auto-rotated, ≤ 2048 px, no metadata) and make a ≤ 480 px JPEG thumbnail. */
export async function processImage(input: Buffer, mime: ImageMime): Promise<ProcessedImage> {
  const open = () => sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate();
  try {
    const meta = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    const expected = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp' }[mime];
    if (meta.format !== expected) throw new ImageDecodeError(`content is ${meta.format}, header says ${mime}`);
    let full = open().resize({ width: FULL_MAX_EDGE, height: FULL_MAX_EDGE, fit: 'inside', withoutEnlargement: true });
    full = mime === 'image/jpeg' ? full.jpeg({ quality: 85 }) : mime === 'image/png' ? full.png() : full.webp({ quality: 85 });
    const fullOut = await full.toBuffer({ resolveWithObject: true });
    const thumb = await open()
      .resize({ width: THUMB_MAX_EDGE, height: THUMB_MAX_EDGE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 78 })
      .toBuffer();
    return { mime, full: fullOut.data, thumb, width: fullOut.info.width, height: fullOut.info.height };
  } catch (err) {
    if (err instanceof ImageDecodeError) throw err;
    // sharp's messages: "Input buffer contains unsupported image format", "VipsJpeg: premature end…", pixel limit…
    throw new ImageDecodeError((err as Error).message);
  }
}

/** Width and height of an image we produced ourselves (e.g. a wxacode PNG). */
export async function imageSize(buf: Buffer): Promise<{ width: number; height: number }> {
  const m = await sharp(buf).metadata();
  return { width: m.width ?? 0, height: m.height ?? 0 };
}
