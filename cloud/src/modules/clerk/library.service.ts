/**
 * 话术库 and 素材库: managed on the ops page by group, searched in the sidebar, sent from there with
 * sendChatMessage (the WeCom client does the sending; the server only keeps the library).
 */
import { Config, Provide, Inject, Scope, ScopeEnum } from '@midwayjs/core';
import type { AppEnv } from '../../config/env';
import { PlatformError, PlatformUnavailableError, WECOM_CLIENT, type WecomClient } from '../../platform/types';
import { Brackets, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import type { MaterialView, QuickReplyView } from '../../../../contracts/clerk';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso, LIKE_ESCAPE, likeContains } from '../../core/db';
import { AppError } from '../../core/errors';
import { fetchPublic } from '../../core/public-url';
import { Material, QuickReply } from './entities/clerk.entity';

/** A WeCom temporary media_id lives 3 days; one is not handed out in its last hour. */
export const MEDIA_TTL_MS = 3 * 86_400_000;
const MEDIA_MARGIN_MS = 3600_000;
const MEDIA_MAX_BYTES = { image: 10 << 20, file: 20 << 20 } as const;
const FETCH_TIMEOUT_MS = 15_000;

/**
 * Reads a material's file from its url, at most `max` bytes (never buffers more). Only public
 * addresses, checked when connecting, every redirect hop (core/public-url.ts; loopback too outside
 * production).
 */
async function fetchFile(url: string, max: number, allowLoopback: boolean): Promise<{ data: Buffer; contentType: string; filename: string }> {
  let res;
  try {
    res = await fetchPublic(url, { allowLoopback, maxBytes: max, timeoutMs: FETCH_TIMEOUT_MS });
  } catch {
    throw new AppError('MATERIAL_FILE_UNAVAILABLE');
  }
  if (res.status < 200 || res.status >= 300) throw new AppError('MATERIAL_FILE_UNAVAILABLE');
  const raw = res.url.pathname.split('/').filter(Boolean).pop() ?? '';
  let last = raw;
  try {
    last = decodeURIComponent(raw);
  } catch {
    // a malformed escape: the name as written
  }
  last ||= 'file';
  return { data: res.data, contentType: res.contentType, filename: last.slice(0, 100) };
}

type ReplyInput = { groupName: string; title: string; content: string };
type MaterialInput = Omit<MaterialView, 'id' | 'updatedAt'>;

const replyView = (r: QuickReply): QuickReplyView => ({ id: r.id, groupName: r.groupName, title: r.title, content: r.content, updatedAt: iso(r.updatedAt) });
const materialView = (m: Material): MaterialView => ({
  id: m.id,
  groupName: m.groupName,
  kind: m.kind,
  title: m.title,
  url: m.url,
  picUrl: m.picUrl,
  description: m.description,
  appid: m.appid,
  page: m.page,
  updatedAt: iso(m.updatedAt),
});

function search<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, fields: string[], q?: string): SelectQueryBuilder<T> {
  if (!q) return qb;
  const pattern = likeContains(q);
  return qb.andWhere(
    new Brackets((w) =>
      fields.forEach((f, i) => (i ? w.orWhere(`${f} LIKE :pattern ${LIKE_ESCAPE}`, { pattern }) : w.where(`${f} LIKE :pattern ${LIKE_ESCAPE}`, { pattern }))),
    ),
  );
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class LibraryService {
  @Inject()
  db!: Db;

  @Config('hub')
  env!: AppEnv;

  @Inject(WECOM_CLIENT)
  wecom!: WecomClient;

  private readonly uploading = new Map<number, Promise<{ msgtype: 'image' | 'file'; mediaId: string; expiresAt: string }>>();

  /**
   * The material's WeCom media_id for an image/file message: the cached one while it has more
   * than an hour left and the url is unchanged, else the file is read from its url and uploaded
   * (media/upload). One upload at a time per material in this process.
   */
  async mediaFor(id: number, now = () => new Date()): Promise<{ msgtype: 'image' | 'file'; mediaId: string; expiresAt: string }> {
    const m = await this.db.manager.findOne(Material, { where: { id } });
    if (!m) throw new AppError('NOT_FOUND');
    if ((m.kind !== 'image' && m.kind !== 'file') || !m.url) throw new AppError('MATERIAL_NOT_MEDIA');
    const kind = m.kind;
    if (m.mediaId && m.mediaExpiresAt && m.mediaSource === m.url && new Date(m.mediaExpiresAt).getTime() - MEDIA_MARGIN_MS > now().getTime()) {
      return { msgtype: kind, mediaId: m.mediaId, expiresAt: iso(m.mediaExpiresAt)! };
    }
    let p = this.uploading.get(id);
    if (!p) {
      p = (async () => {
        const file = await fetchFile(m.url!, MEDIA_MAX_BYTES[kind], this.env.NODE_ENV !== 'production');
        const name = kind === 'file' && !/\.[a-z0-9]{1,5}$/i.test(file.filename) ? `${m.title}` : file.filename;
        let up;
        try {
          up = await this.wecom.uploadMedia(kind, { ...file, filename: name });
        } catch (err) {
          if (err instanceof PlatformError && [40004, 40005, 40006, 41006].includes(err.errcode)) throw new AppError('MATERIAL_FILE_UNAVAILABLE');
          if (err instanceof PlatformError || err instanceof PlatformUnavailableError) throw new AppError('UPSTREAM_UNAVAILABLE');
          throw err;
        }
        const expiresAt = new Date(up.createdAt.getTime() + MEDIA_TTL_MS);
        await this.db.manager.update(Material, { id }, { mediaId: up.mediaId, mediaExpiresAt: expiresAt, mediaSource: m.url });
        return { msgtype: kind, mediaId: up.mediaId, expiresAt: expiresAt.toISOString() };
      })().finally(() => this.uploading.delete(id));
      this.uploading.set(id, p);
    }
    return p;
  }

  private async groups(entity: typeof QuickReply | typeof Material): Promise<string[]> {
    const rows: Array<{ g: string }> = await this.db.manager
      .createQueryBuilder(entity, 'x')
      .select('x.group_name', 'g')
      .distinct(true)
      .orderBy('x.group_name', 'ASC')
      .getRawMany();
    return rows.map((r) => r.g);
  }

  async listReplies(q: { page: number; pageSize: number; q?: string; groupName?: string }) {
    const qb = search(this.db.manager.createQueryBuilder(QuickReply, 'r'), ['r.title', 'r.content', 'r.group_name'], q.q);
    if (q.groupName) qb.andWhere('r.group_name = :g', { g: q.groupName });
    const [rows, total] = await qb
      .orderBy('r.group_name', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return { items: rows.map(replyView), total, page: q.page, pageSize: q.pageSize, groups: await this.groups(QuickReply) };
  }

  async createReply(staff: StaffPrincipal, input: ReplyInput, now = new Date()): Promise<QuickReplyView> {
    return replyView(await this.db.manager.save(this.db.manager.create(QuickReply, { ...input, createdBy: staff.staffId, updatedAt: now })));
  }

  async updateReply(id: number, input: ReplyInput, now = new Date()): Promise<QuickReplyView> {
    const r = await this.db.manager.update(QuickReply, { id }, { ...input, updatedAt: now });
    if (!r.affected) throw new AppError('NOT_FOUND');
    return replyView(await this.db.manager.findOneByOrFail(QuickReply, { id }));
  }

  async deleteReply(id: number): Promise<{ ok: true }> {
    const r = await this.db.manager.delete(QuickReply, { id });
    if (!r.affected) throw new AppError('NOT_FOUND');
    return { ok: true };
  }

  async listMaterials(q: { page: number; pageSize: number; q?: string; groupName?: string; kind?: Material['kind'] }) {
    const qb = search(this.db.manager.createQueryBuilder(Material, 'm'), ['m.title', 'm.description', 'm.group_name'], q.q);
    if (q.groupName) qb.andWhere('m.group_name = :g', { g: q.groupName });
    if (q.kind) qb.andWhere('m.kind = :k', { k: q.kind });
    const [rows, total] = await qb
      .orderBy('m.group_name', 'ASC')
      .addOrderBy('m.id', 'ASC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return { items: rows.map(materialView), total, page: q.page, pageSize: q.pageSize, groups: await this.groups(Material) };
  }

  async createMaterial(staff: StaffPrincipal, input: MaterialInput, now = new Date()): Promise<MaterialView> {
    return materialView(await this.db.manager.save(this.db.manager.create(Material, { ...normalise(input), createdBy: staff.staffId, updatedAt: now })));
  }

  async updateMaterial(id: number, input: MaterialInput, now = new Date()): Promise<MaterialView> {
    const r = await this.db.manager.update(Material, { id }, { ...normalise(input), updatedAt: now });
    if (!r.affected) throw new AppError('NOT_FOUND');
    return materialView(await this.db.manager.findOneByOrFail(Material, { id }));
  }

  async deleteMaterial(id: number): Promise<{ ok: true }> {
    const r = await this.db.manager.delete(Material, { id });
    if (!r.affected) throw new AppError('NOT_FOUND');
    return { ok: true };
  }

  /** The sidebar's view: both lists, searched, at most 50 each, grouped order. */
  async forSidebar(q?: string): Promise<{ replies: QuickReplyView[]; materials: MaterialView[] }> {
    const [replies, materials] = await Promise.all([
      search(this.db.manager.createQueryBuilder(QuickReply, 'r'), ['r.title', 'r.content', 'r.group_name'], q)
        .orderBy('r.group_name', 'ASC')
        .addOrderBy('r.id', 'ASC')
        .take(50)
        .getMany(),
      search(this.db.manager.createQueryBuilder(Material, 'm'), ['m.title', 'm.description', 'm.group_name'], q)
        .orderBy('m.group_name', 'ASC')
        .addOrderBy('m.id', 'ASC')
        .take(50)
        .getMany(),
    ]);
    return { replies: replies.map(replyView), materials: materials.map(materialView) };
  }
}

/** Only the fields a kind uses are kept (a link keeps no appid left over from an edit). */
function normalise(m: MaterialInput): MaterialInput {
  const mp = m.kind === 'miniprogram';
  return {
    ...m,
    url: mp ? null : m.url,
    appid: mp ? m.appid : null,
    page: mp ? m.page : null,
    picUrl: m.kind === 'image' || m.kind === 'file' ? null : m.picUrl,
  };
}
