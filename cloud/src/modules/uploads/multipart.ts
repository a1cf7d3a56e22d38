/**
 * Reads exactly one file from a multipart/form-data request with busboy (the parser
 * @midwayjs/busboy wraps; used directly because uploads are two routes, not a global middleware,
 * and the size limit must stop reading at once). Too big → PAYLOAD_TOO_LARGE, no file or not
 * multipart → VALIDATION_FAILED / UPLOAD_INVALID. Never buffers more than the limit.
 */
import busboy from 'busboy';
import type { IncomingMessage } from 'http';
import { AppError } from '../../core/errors';

export interface ReadFileOptions {
  field: string;
  maxBytes: number;
}

/** Multipart overhead we tolerate on top of the file in Content-Length before refusing unread. */
const ENVELOPE_BYTES = 64 * 1024;

export function readSingleFile(req: IncomingMessage, opts: ReadFileOptions): Promise<Buffer> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\b/i.test(type)) {
    return Promise.reject(new AppError('UPLOAD_INVALID', '请以 multipart/form-data 上传图片'));
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > opts.maxBytes + ENVELOPE_BYTES) {
    return Promise.reject(new AppError('PAYLOAD_TOO_LARGE', `图片不能超过 ${Math.round(opts.maxBytes / 1024 / 1024)}MB`));
  }
  return new Promise<Buffer>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: opts.maxBytes, fields: 10, parts: 11, fieldSize: 1024 } });
    } catch {
      reject(new AppError('UPLOAD_INVALID', '上传格式不正确'));
      return;
    }
    let settled = false;
    let file: Buffer | null = null;
    let tooBig = false;
    const fail = (err: AppError) => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      // drain what the client still sends so the answer reaches it
      req.resume();
      reject(err);
    };
    bb.on('file', (name, stream) => {
      // a cut-off form makes busboy fail the part stream too; the 'error'/'close' handlers below answer
      stream.on('error', () => fail(new AppError('UPLOAD_INVALID', '上传内容不完整，请重试')));
      if (name !== opts.field || file) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        chunks.push(c);
      });
      stream.on('limit', () => {
        tooBig = true;
        fail(new AppError('PAYLOAD_TOO_LARGE', `图片不能超过 ${Math.round(opts.maxBytes / 1024 / 1024)}MB`));
      });
      stream.on('end', () => {
        if (!tooBig) file = Buffer.concat(chunks, size);
      });
    });
    bb.on('error', () => fail(new AppError('UPLOAD_INVALID', '上传内容不完整，请重试')));
    bb.on('close', () => {
      if (settled) return;
      if (!file || file.length === 0) {
        fail(new AppError('VALIDATION_FAILED', undefined, [{ path: opts.field, message: '请选择要上传的图片' }]));
        return;
      }
      settled = true;
      resolve(file);
    });
    req.on('aborted', () => fail(new AppError('UPLOAD_INVALID', '上传中断，请重试')));
    req.pipe(bb);
  });
}
